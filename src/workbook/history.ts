import type { ColdkeyStakes } from '../domain/stakes.js';
import type { User } from '../domain/types.js';
import { listRecords, readRecord, readStakes, recordsDir } from './records.js';

export interface StakeHistory {
  /** The registered users' coldkey stakes at every recorded snapshot in the range, ascending. */
  records: ColdkeyStakes[];
  /** The validator's take at the newest record, or null when nothing is recorded. */
  takePpm: bigint | null;
}

/** Reads the per-nominator records beside the workbook, keeping only the registered users' coldkeys. */
export async function readStakeHistory(
  workbookPath: string,
  users: readonly User[],
  range: { fromBlock: number; toBlock: number } = { fromBlock: 0, toBlock: Number.MAX_SAFE_INTEGER },
): Promise<StakeHistory> {
  const dir = recordsDir(workbookPath);
  const records: ColdkeyStakes[] = [];
  const coldkeys = users.flatMap((u) => u.addresses);
  for await (const r of readStakes(dir, range, coldkeys)) records.push({ block: r.block, time: r.time, stakes: r.stakes });
  const newest = (await listRecords(dir)).at(-1);
  const takePpm = newest === undefined ? null : (await readRecord(dir, newest)).takePpm;
  return { records, takePpm };
}
