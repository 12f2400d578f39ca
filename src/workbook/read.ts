import { createHash } from 'node:crypto';
import { a1 } from '../domain/a1.js';
import { DEFAULT_SETTINGS, SETTING_ROWS } from '../domain/settings.js';
import { parseTax } from '../domain/tax.js';
import { excerpt } from '../domain/text.js';
import type {
  PayoutSheetRow,
  PayoutStatus,
  Problem,
  Referral,
  Settings,
  SheetName,
  SnapshotSummary,
  TaxMode,
  CountFrom,
  User,
} from '../domain/types.js';
import type { SettingsCells } from '../domain/validate.js';
import { cellDate, cellText, isPercentFormat, readInteger, readScaled9 } from './cells.js';
import { headerPlace, headerProblems } from './header.js';
import { PAYOUT_DELIVERED_COLUMN, PAYOUT_PAID_AT_COLUMN, PAYOUT_USD_COLUMN, PEOPLE_SHEETS, REFERRALS_PEOPLE_COLUMNS, SHEET_ORDER, TITLE_ROW } from './schema.js';
import type * as Xlsx from './xlsx.js';

/** Longest tax text read: a tax is a short number such as "12.3456 %"; longer text is refused before it is parsed. */
export const MAX_TAX_TEXT = 32;

export interface WorkbookData {
  users: User[];
  referrals: Referral[];
  settings: Settings;
  snapshots: SnapshotSummary[];
  payouts: PayoutSheetRow[];
}

export interface ParsedWorkbook {
  data: WorkbookData;
  /** Cells that could not be read as their type (e.g. a tax that is not a number). */
  parseProblems: Problem[];
  settingsCells: SettingsCells;
  /** A hash of what people typed in their sheets; ValTrac's own feedback does not change it. */
  peopleHash: string;
}

export class MissingSheetError extends Error {}

export function sheet(workbook: Xlsx.Workbook, name: SheetName): Xlsx.Worksheet {
  const worksheet = workbook.getWorksheet(name);
  if (!worksheet) throw new MissingSheetError(`The workbook has no sheet "${name}".`);
  return worksheet;
}

export function missingSheets(workbook: Xlsx.Workbook): SheetName[] {
  return SHEET_ORDER.filter((name) => !workbook.getWorksheet(name));
}

function dataRows(worksheet: Xlsx.Worksheet): number[] {
  const rows: number[] = [];
  for (let r = headerPlace(worksheet).firstData; r <= worksheet.rowCount; r++) rows.push(r);
  return rows;
}

export function readUsers(worksheet: Xlsx.Worksheet): User[] {
  const users: User[] = [];
  for (const r of dataRows(worksheet)) {
    const row = worksheet.getRow(r);
    const addresses: string[] = [];
    const addressCells: string[] = [];
    for (let c = 2; c <= Math.max(row.cellCount, 2); c++) {
      const text = cellText(row.getCell(c));
      if (text === '') continue;
      addresses.push(text);
      addressCells.push(a1(c, r));
    }
    const name = cellText(row.getCell(1));
    if (name === '' && addresses.length === 0) continue;
    users.push({ name, addresses, row: r, addressCells });
  }
  return users;
}

export function readReferrals(worksheet: Xlsx.Worksheet, problems: Problem[]): Referral[] {
  const referrals: Referral[] = [];
  for (const r of dataRows(worksheet)) {
    const row = worksheet.getRow(r);
    const referrer = cellText(row.getCell(1));
    const referee = cellText(row.getCell(2));
    const taxCell = row.getCell(3);
    if (referrer === '' && referee === '' && cellText(taxCell) === '') continue;
    const taxText = cellText(taxCell);
    if (taxText.length > MAX_TAX_TEXT) {
      problems.push({
        sheet: 'Referrals',
        cell: a1(3, r),
        message: `The tax "${excerpt(taxText)}" is ${taxText.length.toLocaleString('en-US')} characters long; a tax is a number such as 15 or 15%.`,
        fix: 'Type the tax as a percentage between 0 and 100, e.g. 15 or 15%.',
      });
      continue;
    }
    const date = cellDate(taxCell);
    if (date !== null) {
      problems.push({
        sheet: 'Referrals',
        cell: a1(3, r),
        message: `The tax is a date (${date}), not a percentage: the cell was typed or formatted as a date.`,
        fix: 'Type the tax as a percentage between 0 and 100, e.g. 15 or 15%, and format the cell as a number.',
      });
      referrals.push({ referrer, referee, taxPpm: 0n, row: r, taxDate: date });
      continue;
    }
    const parsed =
      typeof taxCell.value === 'number'
        ? parseTax({ kind: 'number', value: taxCell.value, percentFormat: isPercentFormat(taxCell) })
        : parseTax({ kind: 'text', text: cellText(taxCell) });
    if (!parsed.ok) {
      problems.push({ sheet: 'Referrals', cell: a1(3, r), message: parsed.message, fix: parsed.fix });
      continue;
    }
    referrals.push({ referrer, referee, taxPpm: parsed.ppm, row: r });
  }
  return referrals;
}

export function readSettings(worksheet: Xlsx.Worksheet, problems: Problem[]): { settings: Settings; cells: SettingsCells } {
  const byLabel = new Map<string, number>();
  for (const r of dataRows(worksheet)) {
    const label = cellText(worksheet.getCell(r, 1)).trim().toLowerCase();
    if (label !== '' && !byLabel.has(label)) byLabel.set(label, r);
  }
  const settings: Settings = { ...DEFAULT_SETTINGS };
  const cells: SettingsCells = {};
  for (const { key, label, cell: kind, optional } of SETTING_ROWS) {
    const r = byLabel.get(label.toLowerCase());
    if (r === undefined) {
      if (optional) continue;
      problems.push({
        sheet: 'Settings',
        cell: a1(1, worksheet.rowCount + 1),
        message: `The setting "${label}" is missing.`,
        fix: `Add a row with "${label}" in column A and its value in column B (valtrac init creates them).`,
      });
      continue;
    }
    cells[key] = a1(2, r);
    const cell = worksheet.getCell(r, 2);
    const text = cellText(cell).trim();
    if (text === '') continue;
    if (kind === 'count') {
      const count = readInteger(cell);
      if (count === null) {
        problems.push({
          sheet: 'Settings',
          cell: a1(2, r),
          message: `${label}: "${excerpt(text)}" is not a whole number.`,
          fix: key === 'snapshotInterval' ? 'Type a whole number of blocks, e.g. 300 (one hour).' : 'Type a whole number, e.g. 10.',
        });
      } else {
        (settings as unknown as Record<string, number>)[key] = count;
      }
      continue;
    }
    switch (key) {
      case 'hotkey':
      case 'payoutColdkey':
        settings[key] = cellText(cell);
        break;
      case 'taxMode':
        settings.taxMode = text.toLowerCase() as TaxMode;
        break;
      case 'countFrom':
        settings.countFrom = text.toLowerCase() as CountFrom;
        break;
      case 'explorer':
        settings.explorer = text.toLowerCase();
        break;
      default:
        (settings as unknown as Record<string, string>)[key] = text;
    }
  }
  return { settings, cells };
}

function required<T>(value: T | null, sheetName: SheetName, cell: string, what: string, problems: Problem[]): T | null {
  if (value === null) {
    problems.push({ sheet: sheetName, cell, message: `${what} cannot be read.`, fix: 'This sheet is written by ValTrac: restore the row from workbook/.backup/ or delete it.' });
  }
  return value;
}

export function readSnapshots(worksheet: Xlsx.Worksheet, problems: Problem[]): SnapshotSummary[] {
  const rows: SnapshotSummary[] = [];
  for (const r of dataRows(worksheet)) {
    const row = worksheet.getRow(r);
    if (cellText(row.getCell(1)) === '') continue;
    const at = (c: number) => a1(c, r);
    const before = problems.length;
    const timeValue = row.getCell(3).value;
    const block = required(readInteger(row.getCell(1)), 'Snapshots', at(1), 'The block', problems);
    const time = required(timeValue instanceof Date ? new Date(Math.round(timeValue.getTime())) : null, 'Snapshots', at(3), 'The time', problems);
    const totalStake = required(readScaled9(row.getCell(4)), 'Snapshots', at(4), 'The total stake', problems);
    const delegateStake = required(readScaled9(row.getCell(5)), 'Snapshots', at(5), 'The delegate stake', problems);
    const nominatorStake = required(readScaled9(row.getCell(6)), 'Snapshots', at(6), 'The nominator stake', problems);
    const nominators = required(readInteger(row.getCell(7)), 'Snapshots', at(7), 'The nominator count', problems);
    const usersStake = required(readScaled9(row.getCell(8)), 'Snapshots', at(8), "The users' stake", problems);
    // Rows written before the basket escrow was recorded (and snapshots without it) leave the column blank.
    const escrowStake = cellText(row.getCell(9)) === '' ? null : required(readScaled9(row.getCell(9)), 'Snapshots', at(9), 'The basket escrow stake', problems);
    if (problems.length > before) continue;
    rows.push({
      block: block!,
      blockHash: cellText(row.getCell(2)),
      time: time!,
      totalStake: totalStake!,
      delegateStake: delegateStake!,
      nominatorStake: nominatorStake!,
      nominators: nominators!,
      usersStake: usersStake!,
      ...(escrowStake !== null ? { escrowStake: escrowStake! } : {}),
    });
  }
  return rows;
}

const STATUSES: readonly PayoutStatus[] = ['planned', 'carried', 'sent', 'paid', 'failed'];

function optionalText(cell: Xlsx.Cell): string | null {
  const text = cellText(cell);
  return text === '' ? null : text;
}

export function readPayouts(worksheet: Xlsx.Worksheet, problems: Problem[]): PayoutSheetRow[] {
  const rows: PayoutSheetRow[] = [];
  for (const r of dataRows(worksheet)) {
    const row = worksheet.getRow(r);
    if (cellText(row.getCell(1)) === '') continue;
    const at = (c: number) => a1(c, r);
    const before = problems.length;
    const statusText = cellText(row.getCell(2)).trim();
    const status = required(STATUSES.includes(statusText as PayoutStatus) ? (statusText as PayoutStatus) : null, 'Payouts', at(2), `The status "${statusText}"`, problems);
    const fromBlock = required(readInteger(row.getCell(3)), 'Payouts', at(3), 'The from block', problems);
    const toBlock = required(readInteger(row.getCell(4)), 'Payouts', at(4), 'The to block', problems);
    const pool = required(readScaled9(row.getCell(5)), 'Payouts', at(5), 'The pool', problems);
    const basePpb = required(readScaled9(row.getCell(8)), 'Payouts', at(8), 'The base share', problems);
    const taxPaid = required(readScaled9(row.getCell(9)), 'Payouts', at(9), 'The tax paid', problems);
    const taxReceived = required(readScaled9(row.getCell(10)), 'Payouts', at(10), 'The tax received', problems);
    const amount = required(readScaled9(row.getCell(11)), 'Payouts', at(11), 'The amount', problems);
    const optionalInt = (c: number, what: string) => (cellText(row.getCell(c)) === '' ? null : required(readInteger(row.getCell(c)), 'Payouts', at(c), what, problems));
    const batch = optionalInt(12, 'The batch');
    const blockNumber = optionalInt(14, 'The block');
    const delivered = cellText(row.getCell(PAYOUT_DELIVERED_COLUMN)) === '' ? null : required(readScaled9(row.getCell(PAYOUT_DELIVERED_COLUMN)), 'Payouts', at(PAYOUT_DELIVERED_COLUMN), 'The delivered amount', problems);
    const paidAtValue = row.getCell(PAYOUT_PAID_AT_COLUMN).value;
    const paidAt =
      cellText(row.getCell(PAYOUT_PAID_AT_COLUMN)) === ''
        ? undefined
        : required(paidAtValue instanceof Date ? new Date(Math.round(paidAtValue.getTime())) : null, 'Payouts', at(PAYOUT_PAID_AT_COLUMN), 'The paid time', problems);
    const usdPrice =
      cellText(row.getCell(PAYOUT_USD_COLUMN)) === ''
        ? undefined
        : required(readScaled9(row.getCell(PAYOUT_USD_COLUMN)), 'Payouts', at(PAYOUT_USD_COLUMN), 'The TAO price', problems);
    if (problems.length > before) continue;
    rows.push({
      planId: cellText(row.getCell(1)),
      status: status!,
      fromBlock: fromBlock!,
      toBlock: toBlock!,
      pool: pool!,
      user: cellText(row.getCell(6)),
      address: cellText(row.getCell(7)),
      basePpb: basePpb!,
      taxPaid: taxPaid!,
      taxReceived: taxReceived!,
      amount: amount!,
      batch,
      extrinsicHash: optionalText(row.getCell(13)),
      blockNumber,
      blockHash: optionalText(row.getCell(15)),
      note: cellText(row.getCell(16)),
      delivered,
      ...(paidAt ? { paidAt } : {}),
      ...(usdPrice !== undefined && usdPrice !== null ? { usdPrice } : {}),
      row: r,
    });
  }
  return rows;
}

/** What people typed: every value of Users, Referrals' own columns and Settings, with the tax cells' percent flag. */
export function peopleHash(workbook: Xlsx.Workbook): string {
  const hash = createHash('sha256');
  const add = (worksheet: Xlsx.Worksheet | undefined, maxColumn: number) => {
    if (!worksheet) return;
    hash.update(`#${worksheet.name}\n`);
    const place = headerPlace(worksheet);
    worksheet.eachRow({ includeEmpty: false }, (row, r) => {
      // ValTrac writes the header and the title; rows a person pushed above the header still count.
      if (r === place.row || (r === TITLE_ROW && place.firstData > TITLE_ROW)) return;
      row.eachCell({ includeEmpty: false }, (cell, c) => {
        if (c > maxColumn) return;
        hash.update(`${r},${c},${typeof cell.value},${isPercentFormat(cell) ? '%' : ''},${cellText(cell)}\n`);
      });
    });
  };
  add(workbook.getWorksheet('Users'), Number.MAX_SAFE_INTEGER);
  add(workbook.getWorksheet('Referrals'), REFERRALS_PEOPLE_COLUMNS);
  add(workbook.getWorksheet('Settings'), 2);
  return hash.digest('hex');
}

/**
 * Rows and columns a person hid in Users or Referrals while they hold something: who is paid must be visible to the
 * person looking at the sheet, so each is a problem at its first filled cell until it is unhidden or deleted.
 */
export function hiddenProblems(worksheet: Xlsx.Worksheet, name: 'Users' | 'Referrals'): Problem[] {
  const problems: Problem[] = [];
  const rows = dataRows(worksheet);
  const lastColumn = name === 'Referrals' ? REFERRALS_PEOPLE_COLUMNS : Math.max(1, worksheet.columnCount);
  const filled = (r: number, c: number) => cellText(worksheet.getRow(r).getCell(c)) !== '';
  for (const r of rows) {
    if (!worksheet.getRow(r).hidden) continue;
    const c = Array.from({ length: lastColumn }, (_, i) => i + 1).find((col) => filled(r, col));
    if (c === undefined) continue;
    problems.push({
      sheet: name,
      cell: a1(c, r),
      message: `Row ${r} is hidden, so whoever looks at the sheet does not see what it holds, yet ValTrac counts it.`,
      fix: `Unhide row ${r} (or delete it if it should not count).`,
    });
  }
  for (let c = 1; c <= lastColumn; c++) {
    if (!worksheet.getColumn(c).hidden) continue;
    const r = rows.find((row) => filled(row, c));
    if (r === undefined) continue;
    const letter = a1(c, r).replace(/\d+$/, '');
    problems.push({
      sheet: name,
      cell: a1(c, r),
      message: `Column ${letter} is hidden, so whoever looks at the sheet does not see what it holds, yet ValTrac counts it.`,
      fix: `Unhide column ${letter} (or delete what it holds if it should not count).`,
    });
  }
  return problems;
}

export function parseWorkbook(workbook: Xlsx.Workbook): ParsedWorkbook {
  const parseProblems: Problem[] = [];
  for (const name of PEOPLE_SHEETS) parseProblems.push(...headerProblems(sheet(workbook, name)));
  parseProblems.push(...hiddenProblems(sheet(workbook, 'Users'), 'Users'), ...hiddenProblems(sheet(workbook, 'Referrals'), 'Referrals'));
  const users = readUsers(sheet(workbook, 'Users'));
  const referrals = readReferrals(sheet(workbook, 'Referrals'), parseProblems);
  const { settings, cells } = readSettings(sheet(workbook, 'Settings'), parseProblems);
  const snapshots = readSnapshots(sheet(workbook, 'Snapshots'), parseProblems);
  const payouts = readPayouts(sheet(workbook, 'Payouts'), parseProblems);
  return {
    data: { users, referrals, settings, snapshots, payouts },
    parseProblems,
    settingsCells: cells,
    peopleHash: peopleHash(workbook),
  };
}
