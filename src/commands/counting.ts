import { countFromBlocks, countsAt, noteRegistrations, paidPeriodEnds } from '../domain/countFrom.js';
import type { PayoutRow, Rao, Settings, SnapshotSummary, User } from '../domain/types.js';
import { readPeriodStakes } from '../workbook/periodStakes.js';
import { listRecords } from '../workbook/records.js';
import { readRegistrations, writeRegistrations } from '../workbook/registrations.js';
import type { WorkbookData, WorkbookStore } from '../workbook/store.js';

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

/** The Snapshots rows whose users' stake differs from `counted` (the stake the rule counts, by block), with that stake. */
function restatements(rows: readonly SnapshotSummary[], counted: ReadonlyMap<number, Rao>): Array<{ block: number; usersStake: string }> {
  return rows
    .filter((r) => counted.has(r.block) && r.usersStake !== counted.get(r.block))
    .sort((a, b) => a.block - b.block)
    .map((r) => ({ block: r.block, usersStake: counted.get(r.block)!.toString() }));
}

/**
 * Rewrites the users' stake of the open period's Snapshots rows that the rule now counts differently (a user added in
 * the middle of the period under `period`, or the rule changed in Settings), so that the sheet (and the charts drawn
 * from it) shows what plan pays. `counted`: the stake the rule counts at snapshots the caller has read already (plan,
 * its period); the open period's other snapshots are read per coldkey from stakes.sqlite. Returns how many rows changed.
 */
export async function restateUsersStake(
  store: WorkbookStore,
  dir: string,
  countFrom: ReadonlyMap<string, number>,
  log: (line: string) => void,
  counted?: ReadonlyMap<number, Rao>,
  read?: Pick<WorkbookData, 'payouts' | 'snapshots' | 'settings'>,
): Promise<number> {
  // plan hands over the workbook it read before writing its planned rows (they end no paid period, move no snapshot):
  // reading a year's workbook again would cost it more than the rest of its write.
  const data = read ?? (await store.read());
  const ends = paidPeriodEnds(data.payouts);
  const openFrom = ends.length ? ends.at(-1)! + 1 : 0;
  const open = data.snapshots.filter((r) => r.block >= openFrom);
  const known = counted ?? new Map<number, Rao>();
  const fromTable = await countedAt(dir, open.filter((r) => !known.has(r.block)), countFrom);
  const rows = restatements(open, new Map([...known, ...fromTable]));
  if (rows.length === 0) return 0;
  await store.apply({ kind: 'restateUsersStake', rows });
  log(`restated the users' stake of ${rows.length} Snapshots row(s) of the open period (Settings: Users count from ${data.settings.countFrom})`);
  return rows.length;
}

/**
 * The stake the rule counts at each of `rows`' blocks that has a record, read per coldkey from stakes.sqlite (which
 * fills what it lacks from the records).
 */
async function countedAt(dir: string, rows: readonly SnapshotSummary[], countFrom: ReadonlyMap<string, number>): Promise<Map<number, Rao>> {
  const counted = new Map<number, Rao>();
  if (rows.length === 0) return counted;
  const recorded = new Set(await listRecords(dir));
  const blocks = rows.map((r) => r.block).filter((b) => recorded.has(b)).sort((a, b) => a - b);
  if (blocks.length === 0) return counted;
  const coldkeys = [...countFrom.keys()];
  for await (const s of readPeriodStakes(dir, blocks, coldkeys)) {
    let stake: Rao = 0n;
    coldkeys.forEach((coldkey, i) => {
      if (countsAt(countFrom, coldkey, s.block)) stake += s.stakes[i]!;
    });
    counted.set(s.block, stake);
  }
  return counted;
}
