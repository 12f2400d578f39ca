import type ExcelJS from 'exceljs';
import { nameKey } from '../domain/names.js';
import { SETTING_ROWS } from '../domain/settings.js';
import { taxCell } from '../domain/tax.js';
import type { UserEntry } from '../domain/users-csv.js';
import type { PayoutRow, PayoutStatus, Problem, Settings, SnapshotSummary } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { cellText, readInteger, setCellStyle, writeScaled9 } from './cells.js';
import { sheet } from './read.js';
import {
  FIRST_DATA_ROW,
  PAYOUT_DELIVERED_COLUMN,
  PAYOUT_PAID_AT_COLUMN,
  PAYOUT_USD_COLUMN,
  REFERRALS_PEOPLE_COLUMNS,
  TAX_FORMAT,
  TAX_PERCENT_FORMAT,
  TIME_FORMAT,
} from './schema.js';

export type { UserEntry };

export interface PayoutUpdate {
  user: string;
  batch?: number | null;
  status: PayoutStatus;
  extrinsicHash?: string | null;
  blockNumber?: number | null;
  blockHash?: string | null;
  note?: string;
  /** RAO as a decimal string (changes stay plain JSON), or null to clear. */
  delivered?: string | null;
}

/**
 * One write to the workbook, as plain data: it can be journalled while an editor holds the file and replayed later.
 * Replaying a change that already took effect changes nothing.
 */
export type Change =
  | { kind: 'appendSnapshots'; rows: SnapshotSummary[] }
  | { kind: 'replacePlan'; rows: PayoutRow[] }
  | { kind: 'updatePayouts'; planId: string; updates: PayoutUpdate[] }
  /** The paying block's time and the USD price on paid rows; a row that already has them keeps them. */
  | { kind: 'recordPayments'; planId: string; rows: Array<{ user: string } & Pick<PayoutRow, 'paidAt' | 'usdPrice'>> }
  /** Each value goes into the setting's Value cell as it is (reading parses it, as it parses what a person typed). */
  | { kind: 'setSettings'; settings: Partial<Record<keyof Settings, string | number | null>> }
  /** Refreshes the feedback; every write recomputes it from the people's sheets, these problems are added to it. */
  | { kind: 'feedback'; problems: Problem[] }
  /** Adds users, or merges the addresses into a user of the same name (ignoring case) without duplicates. */
  | { kind: 'addUsers'; users: UserEntry[] }
  | { kind: 'replaceUsers'; users: UserEntry[] }
  | { kind: 'removeUser'; name: string }
  | { kind: 'removeAddress'; name: string; address: string }
  /** taxPpm as a decimal string so the change stays plain JSON. */
  | { kind: 'addReferral'; referrer: string; referee: string; taxPpm: string }
  | { kind: 'setReferralTax'; referrer: string; referee: string; taxPpm: string }
  | { kind: 'removeReferral'; referrer: string; referee: string }
  /**
   * Paid periods leaving the workbook after their archive file is written: Payouts rows of `dropPlans`, Snapshots rows
   * at or below `dropSnapshotsThrough`; `restore` puts back the newest archived plan's rows if they went missing.
   */
  | { kind: 'archive'; dropPlans: string[]; dropSnapshotsThrough: number | null; restore: PayoutRow[] };

/** `strict`: the person just asked for this change, so a change that finds nothing to act on is their mistake. */
export function applyChange(workbook: ExcelJS.Workbook, change: Change, strict: boolean): void {
  const refuse = (message: string) => {
    if (strict) throw new UserError(message);
  };
  switch (change.kind) {
    case 'addUsers':
      for (const user of change.users) addUser(sheet(workbook, 'Users'), user);
      return;
    case 'replaceUsers': {
      const users = sheet(workbook, 'Users');
      clearDataRows(users);
      for (const user of change.users) addUser(users, user);
      return;
    }
    case 'removeUser': {
      const users = sheet(workbook, 'Users');
      const row = findUserRow(users, change.name);
      if (row === null) return refuse(`There is no user "${change.name}" in Users (valtrac check lists the users' sheet problems).`);
      users.spliceRows(row, 1);
      return;
    }
    case 'removeAddress': {
      const users = sheet(workbook, 'Users');
      const row = findUserRow(users, change.name);
      if (row === null) return refuse(`There is no user "${change.name}" in Users.`);
      const cells = users.getRow(row);
      let column = 0;
      for (let c = 2; c <= cells.cellCount; c++) if (cellText(cells.getCell(c)) === change.address) column = c;
      if (column === 0) return refuse(`${change.name} has no address ${change.address} (row ${row} of Users).`);
      for (let c = column; c < cells.cellCount; c++) cells.getCell(c).value = cells.getCell(c + 1).value;
      cells.getCell(cells.cellCount).value = null;
      return;
    }
    case 'addReferral':
    case 'setReferralTax': {
      const referrals = sheet(workbook, 'Referrals');
      let row = findReferralRow(referrals, change.referrer, change.referee);
      if (row === null && change.kind === 'setReferralTax') {
        return refuse(`There is no referral from ${change.referrer} to ${change.referee} in Referrals (add it with valtrac referrals add).`);
      }
      if (row !== null && change.kind === 'addReferral') {
        refuse(`${change.referrer} already refers ${change.referee} (row ${row} of Referrals); change its tax with valtrac referrals set-tax.`);
      }
      if (row === null) {
        row = lastDataRow(referrals, REFERRALS_PEOPLE_COLUMNS) + 1;
        referrals.getCell(row, 1).value = change.referrer;
        referrals.getCell(row, 2).value = change.referee;
      }
      const tax = referrals.getCell(row, 3);
      const { value, percentFormat } = taxCell(BigInt(change.taxPpm));
      tax.value = value;
      setCellStyle(tax, { numFmt: percentFormat ? TAX_PERCENT_FORMAT : TAX_FORMAT });
      return;
    }
    case 'removeReferral': {
      const referrals = sheet(workbook, 'Referrals');
      const row = findReferralRow(referrals, change.referrer, change.referee);
      if (row === null) return refuse(`There is no referral from ${change.referrer} to ${change.referee} in Referrals.`);
      referrals.spliceRows(row, 1);
      return;
    }
    case 'setSettings': {
      const settings = sheet(workbook, 'Settings');
      for (const [key, value] of Object.entries(change.settings)) {
        const label = SETTING_ROWS.find((s) => s.key === key)?.label;
        if (!label) continue;
        let row = findRow(settings, 1, (text) => text.trim().toLowerCase() === label.toLowerCase());
        if (row === null) {
          row = lastDataRow(settings, 2) + 1;
          settings.getCell(row, 1).value = label;
        }
        settings.getCell(row, 2).value = value ?? null;
      }
      return;
    }
    case 'appendSnapshots': {
      const snapshots = sheet(workbook, 'Snapshots');
      const present = new Set<number>();
      for (let r = FIRST_DATA_ROW; r <= snapshots.rowCount; r++) {
        const block = readInteger(snapshots.getCell(r, 1));
        if (block !== null) present.add(block);
      }
      let row = lastDataRow(snapshots, 8);
      for (const snapshot of change.rows) {
        if (present.has(snapshot.block)) continue;
        present.add(snapshot.block);
        writeSnapshotRow(snapshots.getRow(++row), snapshot);
      }
      return;
    }
    case 'replacePlan': {
      const payouts = sheet(workbook, 'Payouts');
      for (let r = payouts.rowCount; r >= FIRST_DATA_ROW; r--) {
        const status = cellText(payouts.getCell(r, 2)).trim();
        if (status === 'planned' || status === 'carried') payouts.spliceRows(r, 1);
      }
      let row = lastDataRow(payouts, 16);
      for (const payout of change.rows) writePayoutRow(payouts.getRow(++row), payout);
      return;
    }
    case 'updatePayouts': {
      const payouts = sheet(workbook, 'Payouts');
      for (const update of change.updates) {
        const row = findRow(payouts, 1, (plan, r) => plan === change.planId && cellText(payouts.getCell(r, 6)) === update.user);
        if (row === null) {
          refuse(`Plan ${change.planId} has no payout row for ${update.user} in Payouts.`);
          continue;
        }
        const cells = payouts.getRow(row);
        cells.getCell(2).value = update.status;
        if (update.batch !== undefined) cells.getCell(12).value = update.batch;
        if (update.extrinsicHash !== undefined) cells.getCell(13).value = update.extrinsicHash;
        if (update.blockNumber !== undefined) cells.getCell(14).value = update.blockNumber;
        if (update.blockHash !== undefined) cells.getCell(15).value = update.blockHash;
        if (update.note !== undefined) cells.getCell(16).value = update.note;
        if (update.delivered === null) cells.getCell(PAYOUT_DELIVERED_COLUMN).value = null;
        else if (update.delivered !== undefined) writeScaled9(cells.getCell(PAYOUT_DELIVERED_COLUMN), BigInt(update.delivered));
      }
      return;
    }
    case 'recordPayments': {
      const payouts = sheet(workbook, 'Payouts');
      for (const payment of change.rows) {
        const row = findRow(payouts, 1, (plan, r) => plan === change.planId && cellText(payouts.getCell(r, 6)) === payment.user);
        if (row === null || cellText(payouts.getCell(row, 2)).trim() !== 'paid') continue;
        const cells = payouts.getRow(row);
        writePayment(cells, {
          ...(cellText(cells.getCell(PAYOUT_PAID_AT_COLUMN)) === '' && payment.paidAt ? { paidAt: payment.paidAt } : {}),
          ...(cellText(cells.getCell(PAYOUT_USD_COLUMN)) === '' && payment.usdPrice !== undefined ? { usdPrice: payment.usdPrice } : {}),
        });
      }
      return;
    }
    case 'archive': {
      const payouts = sheet(workbook, 'Payouts');
      const dropped = new Set(change.dropPlans);
      removeRows(payouts, (r) => dropped.has(cellText(payouts.getCell(r, 1))));
      const through = change.dropSnapshotsThrough;
      if (through !== null) {
        const snapshots = sheet(workbook, 'Snapshots');
        removeRows(snapshots, (r) => {
          const block = readInteger(snapshots.getCell(r, 1));
          return block !== null && block <= through;
        });
      }
      // The archive's rows replace whatever an older copy shows for that plan (unpaid rows, or none).
      const restored = new Set(change.restore.map((p) => p.planId));
      const paidInSheet = new Set<string>();
      for (let r = FIRST_DATA_ROW; r <= payouts.rowCount; r++) {
        if (restored.has(cellText(payouts.getCell(r, 1))) && cellText(payouts.getCell(r, 2)) === 'paid') paidInSheet.add(cellText(payouts.getCell(r, 1)));
      }
      const replace = new Set([...restored].filter((id) => !paidInSheet.has(id)));
      removeRows(payouts, (r) => replace.has(cellText(payouts.getCell(r, 1))));
      let row = lastDataRow(payouts, 16);
      for (const payout of change.restore) if (replace.has(payout.planId)) writePayoutRow(payouts.getRow(++row), payout);
      return;
    }
    case 'feedback':
      return;
  }
}

/**
 * Removes the data rows `drop` selects. Whole runs go in one splice (the year's first archive removes tens of
 * thousands of rows); a run that reaches the sheet's end goes row by row, as exceljs ignores a longer splice there.
 */
function removeRows(worksheet: ExcelJS.Worksheet, drop: (row: number) => boolean): void {
  const last = worksheet.rowCount;
  for (let r = last; r >= FIRST_DATA_ROW; ) {
    if (!drop(r)) {
      r--;
      continue;
    }
    let start = r;
    while (start - 1 >= FIRST_DATA_ROW && drop(start - 1)) start--;
    if (r === worksheet.rowCount) for (let x = r; x >= start; x--) worksheet.spliceRows(x, 1);
    else worksheet.spliceRows(start, r - start + 1);
    r = start - 1;
  }
}

function findRow(worksheet: ExcelJS.Worksheet, column: number, match: (text: string, row: number) => boolean): number | null {
  for (let r = FIRST_DATA_ROW; r <= worksheet.rowCount; r++) if (match(cellText(worksheet.getCell(r, column)), r)) return r;
  return null;
}

function findUserRow(users: ExcelJS.Worksheet, name: string): number | null {
  return findRow(users, 1, (text) => text !== '' && nameKey(text) === nameKey(name));
}

function findReferralRow(referrals: ExcelJS.Worksheet, referrer: string, referee: string): number | null {
  return findRow(referrals, 1, (text, r) => text === referrer && cellText(referrals.getCell(r, 2)) === referee);
}

/** The last row at or below the header with a value in the first `columns` columns. */
function lastDataRow(worksheet: ExcelJS.Worksheet, columns: number): number {
  for (let r = worksheet.rowCount; r >= FIRST_DATA_ROW; r--) {
    const row = worksheet.getRow(r);
    const limit = Math.min(columns, row.cellCount);
    for (let c = 1; c <= limit; c++) if (cellText(row.getCell(c)) !== '') return r;
  }
  return FIRST_DATA_ROW - 1;
}

/** Removes every data row; one at a time from the bottom, because exceljs leaves rows behind when a splice reaches the end. */
export function clearDataRows(worksheet: ExcelJS.Worksheet): void {
  for (let r = worksheet.rowCount; r >= FIRST_DATA_ROW; r--) worksheet.spliceRows(r, 1);
}

function addUser(users: ExcelJS.Worksheet, user: UserEntry): void {
  const existing = findUserRow(users, user.name);
  const row = users.getRow(existing ?? lastDataRow(users, Number.MAX_SAFE_INTEGER) + 1);
  if (existing === null) row.getCell(1).value = user.name;
  const present = new Set<string>();
  let last = 1;
  for (let c = 2; c <= row.cellCount; c++) {
    const text = cellText(row.getCell(c));
    if (text === '') continue;
    present.add(text);
    last = c;
  }
  for (const address of user.addresses) {
    if (present.has(address)) continue;
    present.add(address);
    row.getCell(++last).value = address;
  }
}

export function writeSnapshotRow(row: ExcelJS.Row, s: SnapshotSummary): void {
  row.getCell(1).value = s.block;
  row.getCell(2).value = s.blockHash;
  row.getCell(3).value = s.time;
  setCellStyle(row.getCell(3), { numFmt: TIME_FORMAT });
  writeScaled9(row.getCell(4), s.totalStake);
  writeScaled9(row.getCell(5), s.delegateStake);
  writeScaled9(row.getCell(6), s.nominatorStake);
  row.getCell(7).value = s.nominators;
  writeScaled9(row.getCell(8), s.usersStake);
}

export function writePayoutRow(row: ExcelJS.Row, p: PayoutRow): void {
  row.getCell(1).value = p.planId;
  row.getCell(2).value = p.status;
  row.getCell(3).value = p.fromBlock;
  row.getCell(4).value = p.toBlock;
  writeScaled9(row.getCell(5), p.pool);
  row.getCell(6).value = p.user;
  row.getCell(7).value = p.address;
  writeScaled9(row.getCell(8), p.basePpb);
  writeScaled9(row.getCell(9), p.taxPaid);
  writeScaled9(row.getCell(10), p.taxReceived);
  writeScaled9(row.getCell(11), p.amount);
  row.getCell(12).value = p.batch;
  row.getCell(13).value = p.extrinsicHash;
  row.getCell(14).value = p.blockNumber;
  row.getCell(15).value = p.blockHash;
  row.getCell(16).value = p.note;
  if (p.delivered === null) row.getCell(PAYOUT_DELIVERED_COLUMN).value = null;
  else writeScaled9(row.getCell(PAYOUT_DELIVERED_COLUMN), p.delivered);
  writePayment(row, p);
}

/** The paying block's time and the USD price, on a row that carries them. */
export function writePayment(row: ExcelJS.Row, p: Pick<PayoutRow, 'paidAt' | 'usdPrice'>): void {
  if (p.paidAt !== undefined) {
    row.getCell(PAYOUT_PAID_AT_COLUMN).value = p.paidAt;
    setCellStyle(row.getCell(PAYOUT_PAID_AT_COLUMN), { numFmt: TIME_FORMAT });
  }
  if (p.usdPrice !== undefined) writeScaled9(row.getCell(PAYOUT_USD_COLUMN), p.usdPrice);
}
