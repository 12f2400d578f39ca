import { countsAt } from '../domain/countFrom.js';
import type { ColdkeyStakes } from '../domain/stakes.js';
import { evenlySpaced } from '../domain/sample.js';
import type { User } from '../domain/types.js';
import { listRecords, readRecord, readStakesAt, recordsDir } from './records.js';

export interface StakeHistory {
  /** The registered users' coldkey stakes at the recorded snapshots read, ascending. */
  records: ColdkeyStakes[];
  /** The validator's take at the newest record, or null when nothing is recorded. */
  takePpm: bigint | null;
}

export interface HistoryOptions {
  /** Only records from this block on (the current period, for statistics). */
  fromBlock?: number;
  /** Read at most this many records, evenly spaced (charts of a long history). */
  maxRecords?: number;
  /** The block from which each coldkey counts (Settings: Users count from): before it, its stake is left out. */
  countFrom?: ReadonlyMap<string, number>;
}

/** Reads the per-nominator records beside the workbook, keeping only the registered users' coldkeys. */
export async function readStakeHistory(workbookPath: string, users: readonly User[], options: HistoryOptions = {}): Promise<StakeHistory> {
  const dir = recordsDir(workbookPath);
  const all = await listRecords(dir);
  const inRange = all.filter((b) => b >= (options.fromBlock ?? 0));
  const blocks = options.maxRecords === undefined ? inRange : evenlySpaced(inRange, options.maxRecords);
  const coldkeys = users.flatMap((u) => u.addresses);
  const records: ColdkeyStakes[] = [];
  for await (const r of readStakesAt(dir, blocks, coldkeys)) records.push(toStakes(r, options.countFrom));
  const newest = all.at(-1);
  const takePpm = newest === undefined ? null : (await readRecord(dir, newest)).takePpm;
  return { records, takePpm };
}

function toStakes(r: ColdkeyStakes, countFrom: ReadonlyMap<string, number> | undefined): ColdkeyStakes {
  const stakes = countFrom ? new Map([...r.stakes].filter(([coldkey]) => countsAt(countFrom, coldkey, r.block))) : r.stakes;
  return { block: r.block, time: r.time, stakes };
}
