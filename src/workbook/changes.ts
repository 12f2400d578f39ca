import { nameKey } from '../domain/names.js';
import { SETTING_ROWS } from '../domain/settings.js';
import { formatTaxPercent, taxCell } from '../domain/tax.js';
import { excerpt } from '../domain/text.js';
import type { UserEntry } from '../domain/users-csv.js';
import type { PayoutRow, PayoutStatus, Problem, Settings, SheetName, SnapshotSummary } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { cellText, readInteger, setCellStyle, writeScaled9 } from './cells.js';
import { firstDataRow } from './header.js';
import { sheet } from './read.js';
import {
  PAYOUT_DELIVERED_COLUMN,
  PAYOUT_PAID_AT_COLUMN,
  PAYOUT_USD_COLUMN,
  REFERRALS_PEOPLE_COLUMNS,
  TAX_FORMAT,
  TAX_PERCENT_FORMAT,
  TIME_FORMAT,
} from './schema.js';
import type * as Xlsx from './xlsx.js';

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
  /** The users' stake of Snapshots rows, counted again under the Settings rule (usersStake: RAO as a decimal string). */
  | { kind: 'restateUsersStake'; rows: Array<{ block: number; usersStake: string }> }
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

/**
 * Applies `change` and returns null, or why it could not take effect (a removal or update that finds nothing to act on).
 * `strict`: the person just asked for this change, so such a change is their mistake and is refused (UserError).
 * Otherwise (a replay of a journalled or re-applied change) the reason is returned for the caller to report.
 */
export function applyChange(workbook: Xlsx.Workbook, change: Change, strict: boolean): string | null {
  const refuse = (message: string): string => {
    if (strict) throw new UserError(message);
    return message;
  };
  switch (change.kind) {
    case 'addUsers':
      for (const user of change.users) addUser(sheet(workbook, 'Users'), user);
      return null;
    case 'replaceUsers': {
      const users = sheet(workbook, 'Users');
      clearDataRows(users);
      for (const user of change.users) addUser(users, user);
      return null;
    }
    case 'removeUser': {
      const users = sheet(workbook, 'Users');
      const row = findUserRow(users, change.name);
      if (row === null) return refuse(`There is no user "${excerpt(change.name)}" in Users (valtrac check lists the users' sheet problems).`);
      users.spliceRows(row, 1);
      return null;
    }
    case 'removeAddress': {
      const users = sheet(workbook, 'Users');
      const row = findUserRow(users, change.name);
      if (row === null) return refuse(`There is no user "${excerpt(change.name)}" in Users.`);
      const cells = users.getRow(row);
      let column = 0;
      for (let c = 2; c <= cells.cellCount; c++) if (cellText(cells.getCell(c)) === change.address) column = c;
      if (column === 0) return refuse(`${excerpt(change.name)} has no address ${excerpt(change.address)} (row ${row} of Users).`);
      for (let c = column; c < cells.cellCount; c++) cells.getCell(c).value = cells.getCell(c + 1).value;
      cells.getCell(cells.cellCount).value = null;
      return null;
    }
    case 'addReferral':
    case 'setReferralTax': {
      const referrals = sheet(workbook, 'Referrals');
      let row = findReferralRow(referrals, change.referrer, change.referee);
      if (row === null && change.kind === 'setReferralTax') {
        return refuse(`There is no referral from ${excerpt(change.referrer)} to ${excerpt(change.referee)} in Referrals (add it with valtrac referrals add).`);
      }
      // Replayed, an addReferral that finds its row already there still sets the tax it asked for.
      if (row !== null && change.kind === 'addReferral' && strict) {
        refuse(`${excerpt(change.referrer)} already refers ${excerpt(change.referee)} (row ${row} of Referrals); change its tax with valtrac referrals set-tax.`);
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
      return null;
    }
    case 'removeReferral': {
      const referrals = sheet(workbook, 'Referrals');
      const row = findReferralRow(referrals, change.referrer, change.referee);
      if (row === null) return refuse(`There is no referral from ${excerpt(change.referrer)} to ${excerpt(change.referee)} in Referrals.`);
      referrals.spliceRows(row, 1);
      return null;
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
      return null;
    }
    case 'restateUsersStake': {
      const snapshots = sheet(workbook, 'Snapshots');
      const stakes = new Map(change.rows.map((r) => [r.block, BigInt(r.usersStake)]));
      for (let r = firstDataRow(snapshots); r <= snapshots.rowCount; r++) {
        const stake = stakes.get(readInteger(snapshots.getCell(r, 1)) ?? -1);
        if (stake !== undefined) writeScaled9(snapshots.getCell(r, 8), stake);
      }
      return null;
    }
    case 'appendSnapshots': {
      const snapshots = sheet(workbook, 'Snapshots');
      const present = new Set<number>();
      for (let r = firstDataRow(snapshots); r <= snapshots.rowCount; r++) {
        const block = readInteger(snapshots.getCell(r, 1));
        if (block !== null) present.add(block);
      }
      let row = lastDataRow(snapshots, 8);
      for (const snapshot of change.rows) {
        if (present.has(snapshot.block)) continue;
        present.add(snapshot.block);
        writeSnapshotRow(snapshots.getRow(++row), snapshot);
      }
      return null;
    }
    case 'replacePlan': {
      const payouts = sheet(workbook, 'Payouts');
      for (let r = payouts.rowCount; r >= firstDataRow(payouts); r--) {
        const status = cellText(payouts.getCell(r, 2)).trim();
        if (status === 'planned' || status === 'carried') payouts.spliceRows(r, 1);
      }
      let row = lastDataRow(payouts, 16);
      for (const payout of change.rows) writePayoutRow(payouts.getRow(++row), payout);
      return null;
    }
    case 'updatePayouts': {
      const payouts = sheet(workbook, 'Payouts');
      const missing: string[] = [];
      for (const update of change.updates) {
        const row = findRow(payouts, 1, (plan, r) => plan === change.planId && cellText(payouts.getCell(r, 6)) === update.user);
        if (row === null) {
          missing.push(refuse(`Plan ${change.planId} has no payout row for ${excerpt(update.user)} in Payouts.`));
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
      return missing.length === 0 ? null : missing.join(' ');
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
      return null;
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
      for (let r = firstDataRow(payouts); r <= payouts.rowCount; r++) {
        if (restored.has(cellText(payouts.getCell(r, 1))) && cellText(payouts.getCell(r, 2)) === 'paid') paidInSheet.add(cellText(payouts.getCell(r, 1)));
      }
      const replace = new Set([...restored].filter((id) => !paidInSheet.has(id)));
      removeRows(payouts, (r) => replace.has(cellText(payouts.getCell(r, 1))));
      let row = lastDataRow(payouts, 16);
      for (const payout of change.restore) if (replace.has(payout.planId)) writePayoutRow(payouts.getRow(++row), payout);
      return null;
    }
    case 'feedback':
      return null;
  }
}

/** The sheet a change writes. */
export function changeSheet(change: Change): SheetName | null {
  switch (change.kind) {
    case 'addUsers':
    case 'replaceUsers':
    case 'removeUser':
    case 'removeAddress':
      return 'Users';
    case 'addReferral':
    case 'setReferralTax':
    case 'removeReferral':
      return 'Referrals';
    case 'setSettings':
      return 'Settings';
    case 'appendSnapshots':
    case 'restateUsersStake':
      return 'Snapshots';
    case 'replacePlan':
    case 'updatePayouts':
    case 'recordPayments':
    case 'archive':
      return 'Payouts';
    case 'feedback':
      return null;
  }
}

/** A change as the command that made it, for messages: `users remove Bob`, `3 Snapshots rows (blocks 300-900)`. */
export function describeChange(change: Change): string {
  const n = (name: string) => excerpt(name, 32);
  switch (change.kind) {
    case 'addUsers':
      return change.users.length === 1 ? `users add ${n(change.users[0]!.name)}` : `import-users (${change.users.length} users)`;
    case 'replaceUsers':
      return `import-users --replace (${change.users.length} users)`;
    case 'removeUser':
      return `users remove ${n(change.name)}`;
    case 'removeAddress':
      return `users remove-address ${n(change.name)} ${excerpt(change.address)}`;
    case 'addReferral':
      return `referrals add ${n(change.referrer)} ${n(change.referee)} ${formatTaxPercent(BigInt(change.taxPpm))}%`;
    case 'setReferralTax':
      return `referrals set-tax ${n(change.referrer)} ${n(change.referee)} ${formatTaxPercent(BigInt(change.taxPpm))}%`;
    case 'removeReferral':
      return `referrals remove ${n(change.referrer)} ${n(change.referee)}`;
    case 'setSettings':
      return `Settings ${Object.keys(change.settings).join(', ')}`;
    case 'appendSnapshots': {
      const blocks = change.rows.map((r) => r.block);
      const range = blocks.length === 1 ? ` (block ${blocks[0]})` : blocks.length > 1 ? ` (blocks ${Math.min(...blocks)}-${Math.max(...blocks)})` : '';
      return `${blocks.length} Snapshots row${blocks.length === 1 ? '' : 's'}${range}`;
    }
    case 'restateUsersStake':
      return `users' stake of ${change.rows.length} Snapshots row${change.rows.length === 1 ? '' : 's'} (Settings: Users count from)`;
    case 'replacePlan':
      return `plan ${[...new Set(change.rows.map((r) => r.planId))].join(', ') || '(empty)'} (${change.rows.length} Payouts rows)`;
    case 'updatePayouts':
      return `plan ${change.planId}: ${change.updates.length} row${change.updates.length === 1 ? '' : 's'} marked ${[...new Set(change.updates.map((u) => u.status))].join('/')}`;
    case 'recordPayments':
      return `plan ${change.planId}: paid time and TAO price on ${change.rows.length} row${change.rows.length === 1 ? '' : 's'}`;
    case 'archive':
      return `archive of plan${change.dropPlans.length === 1 ? '' : 's'} ${change.dropPlans.join(', ') || '(none)'}`;
    case 'feedback':
      return 'feedback';
  }
}

/**
 * Removes the data rows `drop` selects. Whole runs go in one splice (the year's first archive removes tens of
 * thousands of rows); a run that reaches the sheet's end goes row by row, as the xlsx library ignores a longer splice there.
 */
function removeRows(worksheet: Xlsx.Worksheet, drop: (row: number) => boolean): void {
  const last = worksheet.rowCount;
  const first = firstDataRow(worksheet);
  for (let r = last; r >= first; ) {
    if (!drop(r)) {
      r--;
      continue;
    }
    let start = r;
    while (start - 1 >= first && drop(start - 1)) start--;
    if (r === worksheet.rowCount) for (let x = r; x >= start; x--) worksheet.spliceRows(x, 1);
    else worksheet.spliceRows(start, r - start + 1);
    r = start - 1;
  }
}

function findRow(worksheet: Xlsx.Worksheet, column: number, match: (text: string, row: number) => boolean): number | null {
  for (let r = firstDataRow(worksheet); r <= worksheet.rowCount; r++) if (match(cellText(worksheet.getCell(r, column)), r)) return r;
  return null;
}

function findUserRow(users: Xlsx.Worksheet, name: string): number | null {
  return findRow(users, 1, (text) => text !== '' && nameKey(text) === nameKey(name));
}

function findReferralRow(referrals: Xlsx.Worksheet, referrer: string, referee: string): number | null {
  return findRow(referrals, 1, (text, r) => text === referrer && cellText(referrals.getCell(r, 2)) === referee);
}

/** The last row at or below the header with a value in the first `columns` columns. */
function lastDataRow(worksheet: Xlsx.Worksheet, columns: number): number {
  const first = firstDataRow(worksheet);
  for (let r = worksheet.rowCount; r >= first; r--) {
    const row = worksheet.getRow(r);
    const limit = Math.min(columns, row.cellCount);
    for (let c = 1; c <= limit; c++) if (cellText(row.getCell(c)) !== '') return r;
  }
  return first - 1;
}

/** Removes every data row; one at a time from the bottom, because the xlsx library leaves rows behind when a splice reaches the end. */
export function clearDataRows(worksheet: Xlsx.Worksheet): void {
  const first = firstDataRow(worksheet);
  for (let r = worksheet.rowCount; r >= first; r--) worksheet.spliceRows(r, 1);
}

function addUser(users: Xlsx.Worksheet, user: UserEntry): void {
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

export function writeSnapshotRow(row: Xlsx.Row, s: SnapshotSummary): void {
  row.getCell(1).value = s.block;
  row.getCell(2).value = s.blockHash;
  row.getCell(3).value = s.time;
  setCellStyle(row.getCell(3), { numFmt: TIME_FORMAT });
  writeScaled9(row.getCell(4), s.totalStake);
  writeScaled9(row.getCell(5), s.delegateStake);
  writeScaled9(row.getCell(6), s.nominatorStake);
  row.getCell(7).value = s.nominators;
  writeScaled9(row.getCell(8), s.usersStake);
  if (s.escrowStake !== undefined) writeScaled9(row.getCell(9), s.escrowStake);
}

export function writePayoutRow(row: Xlsx.Row, p: PayoutRow): void {
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
export function writePayment(row: Xlsx.Row, p: Pick<PayoutRow, 'paidAt' | 'usdPrice'>): void {
  if (p.paidAt !== undefined) {
    row.getCell(PAYOUT_PAID_AT_COLUMN).value = p.paidAt;
    setCellStyle(row.getCell(PAYOUT_PAID_AT_COLUMN), { numFmt: TIME_FORMAT });
  }
  if (p.usdPrice !== undefined) writeScaled9(row.getCell(PAYOUT_USD_COLUMN), p.usdPrice);
}
