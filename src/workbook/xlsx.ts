/**
 * The xlsx library, in one place: only this module imports it, so changing library is one file and the types below.
 * @cj-tech-master/excelts (a maintained TypeScript descendant of exceljs with the same object model) replaced exceljs
 * 4.4.0, which cannot read files openpyxl saves; the comparison is in docs/xlsx-library.md.
 */
import fs from 'node:fs';
import { Workbook, type Style } from '@cj-tech-master/excelts';

export { Workbook };
export type { Cell, CellFormulaValue, CellValue, DataValidation, Fill, PageSetup, Row, Style, Worksheet } from '@cj-tech-master/excelts';

/**
 * The workbook as .xlsx bytes. The library checks its own output against the OOXML schema unless told not to: seconds
 * on a big workbook and warnings printed to the console, for files ValTrac's tests already read back.
 */
export async function xlsxBytes(workbook: Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer({ validate: false }));
}

export async function readXlsxFile(file: string): Promise<Workbook> {
  return readXlsxBytes(await fs.promises.readFile(file));
}

export async function readXlsxBytes(data: Buffer): Promise<Workbook> {
  const workbook = new Workbook();
  await workbook.xlsx.load(data);
  namePatternlessFills(workbook);
  return workbook;
}

/**
 * openpyxl writes the empty fill as `<patternFill/>`; the library reads that as a pattern fill without a pattern and
 * writes it back as `patternType="undefined"`, which openpyxl then refuses to open (and Excel repairs). Such a fill is
 * the "none" pattern. The library shares one style object between the cells of a style, so each is fixed once.
 */
function namePatternlessFills(workbook: Workbook): void {
  const fix = (style: Partial<Style> | undefined) => {
    const fill = style?.fill;
    if (fill?.type === 'pattern' && fill.pattern === undefined) (fill as { pattern: string }).pattern = 'none';
  };
  workbook.eachSheet((worksheet) => {
    worksheet.columns?.forEach((column) => fix(column.style));
    worksheet.eachRow({ includeEmpty: true }, (row) => {
      fix(row.style);
      row.eachCell({ includeEmpty: true }, (cell) => fix(cell.style));
    });
  });
}
