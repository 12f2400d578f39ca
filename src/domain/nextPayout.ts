import { payoutHistory } from './period.js';
import type { PayoutRow, Rao, SnapshotSummary } from './types.js';

const DAY_MS = 86_400_000;

/**
 * What the next payout will roughly be: the pool accrued since the last paid period (`plan`'s own pool), the part of
 * it the registered users hold now, and, when paid periods show a rhythm, the same extrapolated to the day the next
 * payout is due. Display and alert values: `plan` works the real amounts out.
 */
export interface NextPayoutEstimate {
  /** The snapshot the pool is measured from (the last one of the paid period, or the first one). */
  sinceBlock: number;
  sinceTime: Date;
  newestBlock: number;
  newestTime: Date;
  /** Delegate stake gained since then: the pool a plan made now would share out. */
  accrued: Rao;
  /** accrued × users' stake / nominator stake at the newest snapshot: what a plan made now would send, about. */
  toUsers: Rao;
  /** The pool's growth per day over the period so far. */
  perDay: Rao;
  /** The median length of the paid periods, when there is one; null before the first payout. */
  typicalPeriodMs: number | null;
  /** sinceTime + typicalPeriodMs, and the pool and the users' part extrapolated to it. */
  dueTime: Date | null;
  duePool: Rao | null;
  dueToUsers: Rao | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

/** The periods' lengths: from one paid period's last snapshot (or the first snapshot) to the next one's. */
export function paidPeriodLengths(snapshots: readonly SnapshotSummary[], payouts: readonly PayoutRow[]): number[] {
  const timeAt = new Map(snapshots.map((s) => [s.block, s.time.getTime()]));
  const first = snapshots.reduce<SnapshotSummary | null>((a, s) => (a === null || s.block < a.block ? s : a), null);
  const ends = [...new Set(payouts.filter((r) => r.status === 'paid').map((r) => r.toBlock))].sort((a, b) => a - b);
  const lengths: number[] = [];
  let start = first?.time.getTime() ?? null;
  for (const end of ends) {
    const t = timeAt.get(end);
    if (t === undefined) continue;
    if (start !== null && t > start) lengths.push(t - start);
    start = t;
  }
  return lengths;
}

/** Null while nothing can be said: no snapshot after the last paid period, or a plan is partly paid. */
export function nextPayout(snapshots: readonly SnapshotSummary[], payouts: readonly PayoutRow[]): NextPayoutEstimate | null {
  let closedThrough: number | null;
  try {
    closedThrough = payoutHistory(payouts).closedThrough;
  } catch {
    return null;
  }
  const ordered = [...snapshots].sort((a, b) => a.block - b.block);
  const inPeriod = ordered.filter((s) => closedThrough === null || s.block > closedThrough);
  const newest = inPeriod.at(-1);
  if (!newest) return null;
  const since = ordered.find((s) => s.block === closedThrough) ?? inPeriod[0]!;
  const accrued = newest.delegateStake - since.delegateStake;
  const share = (rao: Rao) => (newest.nominatorStake > 0n && rao > 0n ? (rao * newest.usersStake) / newest.nominatorStake : 0n);
  const elapsed = newest.time.getTime() - since.time.getTime();
  const perDay = elapsed > 0 && accrued > 0n ? (accrued * BigInt(DAY_MS)) / BigInt(elapsed) : 0n;
  const typical = median(paidPeriodLengths(ordered, payouts));
  const dueTime = typical === null ? null : new Date(since.time.getTime() + typical);
  const duePool =
    dueTime === null ? null : dueTime.getTime() <= newest.time.getTime() || elapsed <= 0 ? accrued : (accrued * BigInt(dueTime.getTime() - since.time.getTime())) / BigInt(elapsed);
  return {
    sinceBlock: since.block,
    sinceTime: since.time,
    newestBlock: newest.block,
    newestTime: newest.time,
    accrued,
    toUsers: share(accrued),
    perDay,
    typicalPeriodMs: typical,
    dueTime,
    duePool,
    dueToUsers: duePool === null ? null : share(duePool),
  };
}

/** The pool as `plan` sees it at each snapshot: the delegate stake gained since the last paid period before it. */
export interface AccruedPoint {
  block: number;
  time: Date;
  accrued: Rao;
  /** How many paid periods end before this point: the pool starts again at 0 with each. */
  period: number;
}

/**
 * The payable pool over time, one segment per period: each paid period's last snapshot opens the next segment at 0
 * (it is the next pool's baseline), so the pool drops where a payout closed a period instead of sloping down.
 */
export function accruedSeries(snapshots: readonly SnapshotSummary[], payouts: readonly PayoutRow[]): AccruedPoint[] {
  const ordered = [...snapshots].sort((a, b) => a.block - b.block);
  const ends = [...new Set(payouts.filter((r) => r.status === 'paid').map((r) => r.toBlock))].sort((a, b) => a - b);
  const byBlock = new Map(ordered.map((s) => [s.block, s]));
  const points: AccruedPoint[] = [];
  let current = -1;
  for (const s of ordered) {
    const period = ends.filter((e) => e < s.block).length;
    const end = period > 0 ? byBlock.get(ends[period - 1]!) : undefined;
    const baseline = end ?? ordered.find((o) => period === 0 || o.block > ends[period - 1]!) ?? s;
    if (period !== current && end) points.push({ block: end.block, time: end.time, accrued: 0n, period });
    current = period;
    points.push({ block: s.block, time: s.time, accrued: s.delegateStake - baseline.delegateStake, period });
  }
  return points;
}
