import { layers } from '../domain/referrals.js';
import { fitCell, safeText } from '../domain/text.js';
import type { Problem, Referral } from '../domain/types.js';
import { cellText, setCellStyle } from './cells.js';
import { clearDataRows } from './changes.js';
import { firstDataRow } from './header.js';
import { sheet } from './read.js';
import { FEEDBACK_FILL_ARGB, FEEDBACK_NOTE_PREFIX, FIRST_DATA_ROW, PEOPLE_SHEETS, REFERRALS_LAYER_COLUMN, TITLE_ROW } from './schema.js';
import type * as Xlsx from './xlsx.js';

const FEEDBACK_FILL: Xlsx.Fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: FEEDBACK_FILL_ARGB } };

function noteText(cell: Xlsx.Cell): string {
  const note = cell.note;
  if (note === undefined || note === null) return '';
  if (typeof note === 'string') return note;
  return (note.texts ?? []).map((t) => t.text).join('');
}

export function isFeedbackFill(cell: Xlsx.Cell): boolean {
  const fill = cell.fill;
  if (!fill || fill.type !== 'pattern') return false;
  const argb = fill.fgColor?.argb ?? '';
  return argb.slice(-6).toUpperCase() === FEEDBACK_FILL_ARGB.slice(-6);
}

export function isFeedbackNote(cell: Xlsx.Cell): boolean {
  return noteText(cell).startsWith(FEEDBACK_NOTE_PREFIX);
}

function clearFeedback(worksheet: Xlsx.Worksheet): void {
  // From row 1: a header pushed down leaves the marks of the rows it moved past above it.
  worksheet.eachRow({ includeEmpty: true }, (row) => {
    row.eachCell({ includeEmpty: true }, (cell) => {
      if (isFeedbackNote(cell)) cell.note = undefined as unknown as string;
      if (isFeedbackFill(cell)) {
        const { fill: _drop, ...rest } = cell.style;
        cell.style = rest;
      }
    });
  });
}

/**
 * Writes the feedback for people: every problem as a red fill and a note on its cell and as a row in Problems, each
 * referral row's derived layer, and clears the marks of problems that are gone. People's values are never touched.
 */
export function writeFeedback(workbook: Xlsx.Workbook, problems: Problem[], referrals: Referral[], checkedAt: Date): void {
  for (const name of PEOPLE_SHEETS) clearFeedback(sheet(workbook, name));
  const byCell = new Map<string, Problem[]>();
  for (const problem of problems) {
    // A notice about a whole sheet (cell "") has no cell to mark; it is a row in Problems only.
    if (problem.cell === '') continue;
    const key = `${problem.sheet}!${problem.cell}`;
    byCell.set(key, [...(byCell.get(key) ?? []), problem]);
  }
  for (const cellProblems of byCell.values()) {
    const { sheet: sheetName, cell: address } = cellProblems[0]!;
    if (!(PEOPLE_SHEETS as readonly string[]).includes(sheetName)) continue;
    const cell = sheet(workbook, sheetName).getCell(address);
    setCellStyle(cell, { fill: FEEDBACK_FILL });
    cell.note = fitCell(safeText(FEEDBACK_NOTE_PREFIX + cellProblems.map((p) => `${p.message}\nFix: ${p.fix}`).join('\n\n')));
  }
  writeLayers(sheet(workbook, 'Referrals'), referrals, problems);
  writeProblemRows(sheet(workbook, 'Problems'), problems, checkedAt);
}

function writeLayers(worksheet: Xlsx.Worksheet, referrals: Referral[], problems: Problem[]): void {
  const layerOf = layers(referrals);
  const badRows = new Set(problems.filter((p) => p.sheet === 'Referrals').map((p) => Number(p.cell.replace(/^[A-Z]+/, ''))));
  const byRow = new Map(referrals.map((r) => [r.row, r]));
  for (let r = firstDataRow(worksheet); r <= worksheet.rowCount; r++) {
    const edge = byRow.get(r);
    const layer = edge && !badRows.has(r) ? layerOf.get(edge.referrer) : undefined;
    const cell = worksheet.getCell(r, REFERRALS_LAYER_COLUMN);
    const value = layer ?? null;
    if (cell.value !== value) cell.value = value;
  }
}

function writeProblemRows(worksheet: Xlsx.Worksheet, problems: Problem[], checkedAt: Date): void {
  clearDataRows(worksheet);
  problems.forEach((problem, i) => {
    const row = worksheet.getRow(FIRST_DATA_ROW + i);
    row.values = [problem.sheet, problem.cell, fitCell(safeText(problem.message)), fitCell(safeText(problem.fix))];
    row.alignment = { wrapText: true, vertical: 'top' };
  });
  const stamp = checkedAt.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  // Rows without a cell are notices (what ValTrac did on its own), not problems to fix.
  const toFix = problems.filter((p) => p.cell !== '').length;
  const notices = problems.length - toFix;
  const told = notices === 0 ? '' : ` ${notices} notice${notices === 1 ? '' : 's'} of what ValTrac did on its own (kept for a week).`;
  worksheet.getCell(TITLE_ROW, 1).value =
    toFix === 0
      ? `VALTRAC'S SHEET: no problems (checked ${stamp}).${told}`
      : `VALTRAC'S SHEET: ${toFix} problem${toFix === 1 ? '' : 's'} to fix (checked ${stamp}). Each cell is also marked red with a note.${told}`;
}

/** The problems currently listed in the Problems sheet. */
export function readProblemRows(worksheet: Xlsx.Worksheet): Problem[] {
  const problems: Problem[] = [];
  for (let r = FIRST_DATA_ROW; r <= worksheet.rowCount; r++) {
    const row = worksheet.getRow(r);
    const sheetName = cellText(row.getCell(1));
    if (sheetName === '') continue;
    problems.push({ sheet: sheetName as Problem['sheet'], cell: cellText(row.getCell(2)), message: cellText(row.getCell(3)), fix: cellText(row.getCell(4)) });
  }
  return problems;
}
