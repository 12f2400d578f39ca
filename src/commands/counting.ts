import { countFromBlocks, countsAt, noteRegistrations, paidPeriodEnds } from '../domain/countFrom.js';
import type { PayoutRow, Rao, Settings, SnapshotSummary, User } from '../domain/types.js';
import { listRecords, readStakesAt } from '../workbook/records.js';
import { readRegistrations, writeRegistrations } from '../workbook/registrations.js';
import type { WorkbookStore } from '../workbook/store.js';

interface Program {
  settings: Settings;
  users: readonly User[];
  payouts: readonly PayoutRow[];
}

/** The Settings rule applied to the workbook: the block from which each registered coldkey's stake counts. */
export async function countFromFor(dir: string, program: Program): Promise<Map<string, number>> {
  const coldkeys = program.users.flatMap((u) => u.addresses);
  return countFromBlocks(program.settings.countFrom, coldkeys, await readRegistrations(dir), paidPeriodEnds(program.payouts));
}

/**
 * The snapshotter's part before it records `block`: coldkeys new in Users are noted as added there, coldkeys gone from
 * Users are dropped. Returns whether the record changed (then the open period's Snapshots rows may need restating).
 */
export async function noteUsersAt(dir: string, users: readonly User[], block: number): Promise<boolean> {
  const previous = await readRegistrations(dir);
  const next = noteRegistrations(previous, users.flatMap((u) => u.addresses), block);
  const same = previous !== null && previous.size === next.size && [...next].every(([c, b]) => previous.get(c) === b);
  if (!same) await writeRegistrations(dir, next);
  return !same;
}

/** The registered coldkeys that count at `block`, for the Snapshots row's users' stake. */
export function countedColdkeys(countFrom: ReadonlyMap<string, number>, block: number): Set<string> {
  return new Set([...countFrom.keys()].filter((coldkey) => countsAt(countFrom, coldkey, block)));
}

/**
 * The open period's Snapshots rows whose users' stake differs from what the rule counts now (a user added in the
 * middle of the period under `period`, or the rule changed in Settings), with the stake they should show.
 */
export async function usersStakeToRestate(
  dir: string,
  rows: readonly SnapshotSummary[],
  countFrom: ReadonlyMap<string, number>,
  openFrom: number,
): Promise<Array<{ block: number; usersStake: string }>> {
  const recorded = new Set(await listRecords(dir));
  const open = rows.filter((r) => r.block >= openFrom && recorded.has(r.block)).sort((a, b) => a.block - b.block);
  if (open.length === 0) return [];
  const shown = new Map(open.map((r) => [r.block, r.usersStake]));
  const restated: Array<{ block: number; usersStake: string }> = [];
  for await (const record of readStakesAt(dir, open.map((r) => r.block), countFrom.keys())) {
    let stake: Rao = 0n;
    for (const [coldkey, amount] of record.stakes) if (countsAt(countFrom, coldkey, record.block)) stake += amount;
    if (shown.has(record.block) && shown.get(record.block) !== stake) restated.push({ block: record.block, usersStake: stake.toString() });
  }
  return restated;
}

/**
 * Rewrites the users' stake of the open period's Snapshots rows that the rule now counts differently, so that the
 * sheet (and the charts drawn from it) shows what plan pays. Returns how many rows changed.
 */
export async function restateUsersStake(
  store: WorkbookStore,
  dir: string,
  countFrom: ReadonlyMap<string, number>,
  log: (line: string) => void,
): Promise<number> {
  const data = await store.read();
  const ends = paidPeriodEnds(data.payouts);
  const rows = await usersStakeToRestate(dir, data.snapshots, countFrom, ends.length ? ends.at(-1)! + 1 : 0);
  if (rows.length === 0) return 0;
  await store.apply({ kind: 'restateUsersStake', rows });
  log(`restated the users' stake of ${rows.length} Snapshots row(s) of the open period (Settings: Users count from ${data.settings.countFrom})`);
  return rows.length;
}
