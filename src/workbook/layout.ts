import { COUNT_FROM, SETTING_ROWS, TAX_MODES } from '../domain/settings.js';
import type { SheetName } from '../domain/types.js';
import { isPercentFormat, numFmtOf, setCellStyle } from './cells.js';
import { headerPlace } from './header.js';
import { printSetup } from './print.js';
import {
  COLUMNS,
  FIRST_DATA_ROW,
  HEADER_ROW,
  isPeopleSheet,
  LAST_VALIDATED_ROW,
  PEOPLE_TAB_ARGB,
  PEOPLE_TITLE,
  SHEET_ORDER,
  TITLE_ROW,
  USER_NAMES_RANGE,
  VALTRAC_TAB_ARGB,
  VALTRAC_TITLE,
} from './schema.js';
import * as Xlsx from './xlsx.js';

/** Columns of hashes, indented from the block number on their left. */
export const HASH_HEADERS = new Set(['Block hash', 'Extrinsic hash']);

const HEADER_FILL: Xlsx.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE0E0E0' } };

/** A new workbook with every sheet, its title, headers and the Settings rows with their defaults. */
export function createWorkbook(settingsValues: Record<string, string | number | null>): Xlsx.Workbook {
  const workbook = new Xlsx.Workbook();
  workbook.creator = 'ValTrac';
  for (const name of SHEET_ORDER) workbook.addWorksheet(name);
  const settings = workbook.getWorksheet('Settings')!;
  SETTING_ROWS.forEach(({ key, label, note }, i) => {
    const row = settings.getRow(FIRST_DATA_ROW + i);
    row.getCell(1).value = label;
    const value = settingsValues[key];
    row.getCell(2).value = value === null || value === undefined ? null : value;
    row.getCell(3).value = note;
  });
  applyLayout(workbook);
  return workbook;
}

/**
 * ValTrac's presentation of every sheet: title, bold frozen header with notes, widths, number formats, tab colours and
 * dropdowns. Re-applied on every write because an editor's save may drop some of it (LibreOffice drops frozen panes).
 */
export function applyLayout(workbook: Xlsx.Workbook): void {
  for (const name of SHEET_ORDER) {
    const worksheet = workbook.getWorksheet(name);
    if (worksheet) layoutSheet(worksheet, name);
  }
}

function layoutSheet(worksheet: Xlsx.Worksheet, name: SheetName): void {
  const people = isPeopleSheet(name);
  const columns = COLUMNS[name];
  // A person's sheet keeps its header where they moved it, and gets none written over their data when it has none.
  const place = headerPlace(worksheet);
  worksheet.properties.tabColor = { argb: people ? PEOPLE_TAB_ARGB : VALTRAC_TAB_ARGB };
  const frozen = place.firstData - 1;
  worksheet.views = [{ state: 'frozen', xSplit: 0, ySplit: frozen, topLeftCell: `A${place.firstData}`, activeCell: `A${place.firstData}` }];
  worksheet.pageSetup = { ...worksheet.pageSetup, ...printSetup(worksheet, name, { last: frozen, firstData: place.firstData }) };
  if (place.row === HEADER_ROW) {
    const title = worksheet.getCell(TITLE_ROW, 1);
    if (name !== 'Problems' || title.value === null) title.value = people ? PEOPLE_TITLE : VALTRAC_TITLE;
    setCellStyle(title, { font: { bold: true, size: 12, color: { argb: people ? PEOPLE_TAB_ARGB : VALTRAC_TAB_ARGB } } });
  }
  columns.forEach((column, i) => {
    const sheetColumn = worksheet.getColumn(i + 1);
    sheetColumn.width = column.width;
    if (place.row !== null) {
      const header = worksheet.getCell(place.row, i + 1);
      header.value = column.header;
      header.note = column.note;
      setCellStyle(header, { font: { bold: true }, fill: HEADER_FILL });
    }
    // A hash is left-aligned text beside a right-aligned block number: indented, the two never run together.
    if (HASH_HEADERS.has(column.header)) {
      for (let r = place.firstData; r <= worksheet.rowCount; r++) {
        const cell = worksheet.getCell(r, i + 1);
        if (cell.alignment?.indent !== 1) setCellStyle(cell, { alignment: { ...cell.alignment, indent: 1 } });
      }
    }
    if (column.numFmt) {
      for (let r = place.firstData; r <= Math.max(worksheet.rowCount, place.firstData); r++) {
        const cell = worksheet.getCell(r, i + 1);
        if (numFmtOf(cell) !== column.numFmt && !(name === 'Referrals' && isPercentFormat(cell))) {
          setCellStyle(cell, { numFmt: column.numFmt });
        }
      }
    }
  });
  applyValidations(worksheet, name, place.firstData);
}

function applyValidations(worksheet: Xlsx.Worksheet, name: SheetName, firstData: number): void {
  const rows = (column: string) => `${column}${firstData}:${column}${LAST_VALIDATED_ROW}`;
  // Replace whatever the editor's save left (LibreOffice adds a "0" formula to list validations) with ours.
  // The xlsx library keeps a sheet's validations in this (untyped) model keyed by cell or range address.
  const validations = (worksheet as unknown as { dataValidations: { model: Record<string, Xlsx.DataValidation> } }).dataValidations;
  validations.model = {};
  const add = (range: string, validation: Xlsx.DataValidation) => (validations.model[range] = validation);
  if (name === 'Referrals') {
    for (const [column, role] of [['A', 'referrer'], ['B', 'referee']] as const) {
      add(rows(column), {
        type: 'list',
        allowBlank: true,
        formulae: [USER_NAMES_RANGE],
        showErrorMessage: true,
        errorStyle: 'warning',
        errorTitle: 'Not a user',
        error: `The ${role} should be a name from the Users sheet.`,
      });
    }
    add(rows('C'), {
      type: 'decimal',
      operator: 'between',
      allowBlank: true,
      formulae: [0, 100],
      showErrorMessage: true,
      errorStyle: 'stop',
      errorTitle: 'Tax out of range',
      error: 'The tax is a percentage from 0 to 100.',
    });
  }
  if (name === 'Settings') {
    SETTING_ROWS.forEach(({ key, cell: kind }, i) => {
      const cell = `B${FIRST_DATA_ROW + i}`;
      if (key === 'taxMode') {
        add(cell, { type: 'list', allowBlank: true, formulae: [`"${TAX_MODES.join(',')}"`], showErrorMessage: true, errorStyle: 'stop', error: 'Choose base or compound.' });
      }
      if (key === 'countFrom') {
        add(cell, { type: 'list', allowBlank: true, formulae: [`"${COUNT_FROM.join(',')}"`], showErrorMessage: true, errorStyle: 'stop', error: 'Choose period or added.' });
      }
      if (kind === 'count') {
        add(cell, { type: 'whole', operator: 'greaterThanOrEqual', allowBlank: true, formulae: [1], showErrorMessage: true, errorStyle: 'stop', error: key === 'snapshotInterval' ? 'A whole number of blocks, at least 1.' : 'A whole number, at least 1.' });
      }
    });
  }
}
