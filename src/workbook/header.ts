import { a1 } from '../domain/a1.js';
import { excerpt } from '../domain/text.js';
import type { Problem, SheetName } from '../domain/types.js';
import { cellText } from './cells.js';
import { COLUMNS, FIRST_DATA_ROW, HEADER_ROW, isPeopleSheet, PEOPLE_TITLE, TITLE_ROW } from './schema.js';
import type * as Xlsx from './xlsx.js';

/** How far down a person may push the header row of their sheet (by inserting rows above it) and have it found. */
export const HEADER_SEARCH_ROWS = 20;

export interface HeaderPlace {
  /** The row holding the headers; null when no row looks like them (then none is written, so no data is covered). */
  row: number | null;
  /** The first row read as data. */
  firstData: number;
}

const normal = (text: string) => text.trim().replace(/\s+/g, ' ').toLowerCase();

function isHeaderText(name: SheetName, text: string): boolean {
  const t = normal(text);
  return COLUMNS[name].some((c) => normal(c.header) === t) || (name === 'Users' && /^address \d+$/.test(t));
}

/** A row whose cells under the sheet's own columns are all header texts: two of them, or the first column's alone. */
function looksLikeHeader(worksheet: Xlsx.Worksheet, name: SheetName, r: number): boolean {
  const columns = COLUMNS[name];
  let matched = 0;
  for (let c = 1; c <= columns.length; c++) {
    const text = cellText(worksheet.getCell(r, c));
    if (text.trim() === '') continue;
    if (!isHeaderText(name, text)) return false;
    matched++;
  }
  return matched >= 2 || (matched === 1 && normal(cellText(worksheet.getCell(r, 1))) === normal(columns[0]!.header));
}

function rowIsEmpty(worksheet: Xlsx.Worksheet, r: number): boolean {
  const row = worksheet.getRow(r);
  for (let c = 1; c <= row.cellCount; c++) if (cellText(row.getCell(c)).trim() !== '') return false;
  return true;
}

function isTitleRow(worksheet: Xlsx.Worksheet, r: number): boolean {
  return cellText(worksheet.getCell(r, 1)).trim() === PEOPLE_TITLE;
}

/**
 * Where the header row of a sheet is. ValTrac's own sheets have it in row 2. A person's sheet has it wherever a row
 * looks like it in the first rows (rows inserted above it push it down); when none does and row 2 holds data (the
 * header row was deleted), the data starts right below the title and no header is written over it.
 */
export function headerPlace(worksheet: Xlsx.Worksheet): HeaderPlace {
  const name = worksheet.name as SheetName;
  if (!isPeopleSheet(name)) return { row: HEADER_ROW, firstData: FIRST_DATA_ROW };
  const last = Math.min(HEADER_SEARCH_ROWS, worksheet.rowCount);
  for (let r = 1; r <= last; r++) if (looksLikeHeader(worksheet, name, r)) return { row: r, firstData: r + 1 };
  if (rowIsEmpty(worksheet, HEADER_ROW)) return { row: HEADER_ROW, firstData: FIRST_DATA_ROW };
  return { row: null, firstData: isTitleRow(worksheet, TITLE_ROW) ? TITLE_ROW + 1 : 1 };
}

export function firstDataRow(worksheet: Xlsx.Worksheet): number {
  return headerPlace(worksheet).firstData;
}

const WHAT: Partial<Record<SheetName, string>> = { Users: 'a user', Referrals: 'a referral', Settings: 'a setting' };

/** A header row that is missing, and rows above a header that ValTrac therefore does not read, named at their cells. */
export function headerProblems(worksheet: Xlsx.Worksheet): Problem[] {
  const name = worksheet.name as SheetName;
  if (!isPeopleSheet(name)) return [];
  const place = headerPlace(worksheet);
  const headers = COLUMNS[name].filter((c) => !c.header.includes('(ValTrac)')).map((c) => c.header).join(', ');
  if (place.row === null) {
    const row = worksheet.getRow(HEADER_ROW);
    const shown = Array.from({ length: Math.min(row.cellCount, 3) }, (_, i) => cellText(row.getCell(i + 1))).filter((t) => t !== '').join(' | ');
    return [
      {
        sheet: name,
        cell: a1(1, HEADER_ROW),
        message: `The header row of ${name} is not in row ${HEADER_ROW} (row ${HEADER_ROW} holds "${excerpt(shown)}"), and no row in the first ${HEADER_SEARCH_ROWS} looks like it. ValTrac reads row ${place.firstData} on as data and writes no header over it.`,
        fix: `Insert a row above row ${HEADER_ROW} and type the headers in it: ${headers}.`,
      },
    ];
  }
  const problems: Problem[] = [];
  for (let r = 1; r < place.row; r++) {
    if (isTitleRow(worksheet, r) || rowIsEmpty(worksheet, r)) continue;
    const row = worksheet.getRow(r);
    let c = 1;
    while (c < row.cellCount && cellText(row.getCell(c)).trim() === '') c++;
    problems.push({
      sheet: name,
      cell: a1(c, r),
      message: `Row ${r} of ${name} is above the header row (row ${place.row}), so ValTrac does not read it as ${WHAT[name]}.`,
      fix: `Move it below row ${place.row}, or delete it.`,
    });
  }
  return problems;
}
