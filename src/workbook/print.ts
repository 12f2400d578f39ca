import type * as Xlsx from './xlsx.js';
import type { SheetName } from '../domain/types.js';
import { cellText } from './cells.js';
import { COLUMNS, TITLE_ROW } from './schema.js';

/**
 * How many of a sheet's columns are printed: the ones a person reads, from column A. Payouts prints who got what
 * (plan to amount); its hashes, batch and notes are for audits on screen. Users prints as many address columns as
 * some user has, never the empty ones.
 */
const PRINTED_COLUMNS: Record<SheetName, number | 'used'> = {
  Users: 'used',
  Referrals: 4,
  Settings: 3,
  Snapshots: 8,
  Payouts: 11,
  Problems: 4,
};

/**
 * Column widths (characters) that fit a landscape page at 100 %, as LibreOffice lays them out (measured: 200 characters
 * of Snapshots printed at 49 % on one page width).
 */
const PAGE_CHARS = 98;
/** The smallest scale a page is printed at: 11 pt text stays at least 6 pt. Wider sheets print more pages wide. */
export const MIN_PRINT_SCALE = 0.56;

function columnLetter(n: number): string {
  let letters = '';
  for (let k = n; k > 0; k = Math.floor((k - 1) / 26)) letters = String.fromCharCode(65 + ((k - 1) % 26)) + letters;
  return letters;
}

/** Users' columns up to the last address any user has (Name and one address at least). */
function usedColumns(worksheet: Xlsx.Worksheet, firstData: number): number {
  let last = 2;
  for (let r = firstData; r <= worksheet.rowCount; r++) {
    const row = worksheet.getRow(r);
    for (let c = row.cellCount; c > last; c--) {
      if (cellText(row.getCell(c)).trim() !== '') {
        last = c;
        break;
      }
    }
  }
  return last;
}

/**
 * Printed or exported to PDF: landscape, only the columns a person reads, as many pages wide as keeps the text at
 * MIN_PRINT_SCALE or larger (as many pages down as needed), the title and header rows repeated on every page.
 * Everything on one page width made Payouts' 19 columns 2-3 pt text, and scaled Users' empty address columns in.
 */
export function printSetup(worksheet: Xlsx.Worksheet, name: SheetName, headerRows: { last: number; firstData: number }): Partial<Xlsx.PageSetup> {
  const columns = COLUMNS[name];
  const wanted = PRINTED_COLUMNS[name];
  const printed = Math.min(wanted === 'used' ? usedColumns(worksheet, headerRows.firstData) : wanted, Math.max(columns.length, worksheet.columnCount));
  const width = Array.from({ length: printed }, (_, i) => columns[i]?.width ?? columns.at(-1)!.width).reduce((a, b) => a + b, 0);
  return {
    orientation: 'landscape',
    fitToPage: true,
    fitToWidth: Math.max(1, Math.ceil(width / (PAGE_CHARS / MIN_PRINT_SCALE))),
    fitToHeight: 0,
    // Whole columns (`A:K`) do not survive the xlsx library's read-write round trip (it reads them back as `ANaN:KNaN`), so rows
    // are given; the xlsx library adds only the column's `$`, and a relative row in a print area is one LibreOffice drops, so the
    // rows carry their own. Layout re-applies this on every write, as rows are added.
    printArea: `A$${TITLE_ROW}:${columnLetter(printed)}$${Math.max(worksheet.rowCount, headerRows.firstData)}`,
    ...(headerRows.last >= TITLE_ROW ? { printTitlesRow: `${TITLE_ROW}:${headerRows.last}` } : {}),
  };
}
