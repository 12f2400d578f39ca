import type { CountFrom } from './types.js';

/**
 * When each registered coldkey was added, as ValTrac knows it: the block of the first snapshot taken while it was in
 * Users (0: it was there before ValTrac kept this record, so it counts from the first snapshot on).
 */
export type Registrations = ReadonlyMap<string, number>;

/**
 * The record after a snapshot at `block`: coldkeys still in Users keep their block, new ones get `block`, coldkeys no
 * longer in Users are dropped (added again later, they count from then). With no record yet, every coldkey gets 0.
 */
export function noteRegistrations(previous: Registrations | null, coldkeys: Iterable<string>, block: number): Map<string, number> {
  const next = new Map<string, number>();
  for (const coldkey of coldkeys) next.set(coldkey, previous === null ? 0 : (previous.get(coldkey) ?? block));
  return next;
}

/**
 * The block from which each coldkey's stake counts, under the Settings rule. `added`: its registration block (one not
 * yet in the record was added after the newest snapshot and counts from the next). `period`: the first block of the
 * period it was added in, the block after the last paid period that ended before it was added (as the original tool
 * did: its log held every nominator). `periodEnds`: the last blocks of the paid periods.
 */
export function countFromBlocks(
  rule: CountFrom,
  coldkeys: Iterable<string>,
  registrations: Registrations | null,
  periodEnds: readonly number[],
): Map<string, number> {
  const ends = [...periodEnds].sort((a, b) => a - b);
  const from = new Map<string, number>();
  for (const coldkey of coldkeys) {
    const added = registrations === null ? 0 : (registrations.get(coldkey) ?? Number.POSITIVE_INFINITY);
    if (rule === 'added') {
      from.set(coldkey, added);
      continue;
    }
    let start = 0;
    for (const end of ends) if (end < added) start = end + 1;
    from.set(coldkey, start);
  }
  return from;
}

/** Whether a coldkey's stake counts at `block` (a coldkey the map does not know counts: nothing says otherwise). */
export function countsAt(countFrom: ReadonlyMap<string, number>, coldkey: string, block: number): boolean {
  return (countFrom.get(coldkey) ?? 0) <= block;
}

/** The rule in words, for plan's output, statements and docs. */
export function describeCountFrom(rule: CountFrom): string {
  return rule === 'added'
    ? 'users count from the first snapshot after they were added'
    : "users count from the start of the period in which they were added";
}

/** The last block of each paid period: the end of every plan with a paid row. */
export function paidPeriodEnds(payouts: ReadonlyArray<{ planId: string; status: string; toBlock: number }>): number[] {
  const ends = new Map<string, number>();
  for (const row of payouts) if (row.status === 'paid') ends.set(row.planId, Math.max(ends.get(row.planId) ?? 0, row.toBlock));
  return [...new Set(ends.values())].sort((a, b) => a - b);
}
