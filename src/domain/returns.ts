import type { Rao, SnapshotSummary } from './types.js';

/** 365.25 days: the mean calendar year, so leap years do not bend the rate. */
export const YEAR_MS = 31_557_600_000;

/** The rate is computed with integers to 18 decimals; only the final ratio becomes a number (display only). */
const SCALE = 10n ** 18n;

export const POOL_RETURN_FORMULA = 'APR = Σ (D₂ − D₁) / Σ (N₁ × (t₂ − t₁)) × 1 year; D = delegate stake (pool), N = nominator stake';

/**
 * The shortest span a return is annualised over. A few hours of take scaled to a year gave rates of ~700,000 %: the
 * noise of single blocks and emissions, not a return anyone earns. A week holds every epoch's emission many times over.
 */
export const MIN_ANNUALISED_MS = 7 * 86_400_000;
export const MIN_ANNUALISED_TEXT = '7 days';

export interface ReturnPoint {
  fromBlock: number;
  toBlock: number;
  fromTime: Date;
  toTime: Date;
  /** Pool accrual per unit of nominator stake, annualised: what the program hands back to nominators. */
  poolApr: number;
}

/**
 * `gain / principal`, scaled to one year from `durationMs`; null when undefined (no principal, no time passed).
 * Callers that show the rate annualise only spans of at least MIN_ANNUALISED_MS (see annualisedOver).
 * A display ratio: the integers are divided exactly to 18 decimals first, then turned into a number.
 */
export function annualise(gain: Rao, principal: Rao, durationMs: number): number | null {
  if (principal <= 0n || !Number.isSafeInteger(durationMs) || durationMs <= 0) return null;
  const scaled = (gain * SCALE * BigInt(YEAR_MS)) / (principal * BigInt(durationMs));
  return Number(scaled) / 1e18;
}

/** `annualise`, but null for a span shorter than MIN_ANNUALISED_MS: too short to say anything about a year. */
export function annualisedOver(gain: Rao, principal: Rao, durationMs: number): number | null {
  return durationMs < MIN_ANNUALISED_MS ? null : annualise(gain, principal, durationMs);
}

/**
 * The pool's annualised return at each snapshot, over the intervals of at least the last MIN_ANNUALISED_MS before it.
 * The delegate stake only grows by the take (and the pool's own emission); it shrinks when a payout leaves it, so
 * intervals that contain a payout block, or where the pool shrank for any other reason (the owner unstaked), say
 * nothing about the return: they are left out, and the window reaches further back to make up the time. Each point is
 * Σ gain / Σ (nominator stake × interval) over its window, scaled to a year. Empty until the history is long enough.
 */
export function poolReturns(snapshots: readonly SnapshotSummary[], payoutBlocks: readonly number[] = []): ReturnPoint[] {
  const ordered = [...snapshots].sort((a, b) => a.block - b.block);
  const intervals: { from: SnapshotSummary; to: SnapshotSummary; gain: bigint; ms: bigint; stakeTime: bigint }[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const from = ordered[i - 1]!;
    const to = ordered[i]!;
    const gain = to.delegateStake - from.delegateStake;
    const ms = to.time.getTime() - from.time.getTime();
    if (gain < 0n || ms <= 0 || from.nominatorStake <= 0n) continue;
    if (payoutBlocks.some((b) => b > from.block && b <= to.block)) continue;
    intervals.push({ from, to, gain, ms: BigInt(ms), stakeTime: from.nominatorStake * BigInt(ms) });
  }
  const points: ReturnPoint[] = [];
  const min = BigInt(MIN_ANNUALISED_MS);
  let first = 0;
  let gain = 0n;
  let ms = 0n;
  let stakeTime = 0n;
  for (const interval of intervals) {
    gain += interval.gain;
    ms += interval.ms;
    stakeTime += interval.stakeTime;
    // Drop the oldest intervals while the window stays long enough without them.
    while (ms - intervals[first]!.ms >= min) {
      gain -= intervals[first]!.gain;
      ms -= intervals[first]!.ms;
      stakeTime -= intervals[first]!.stakeTime;
      first++;
    }
    if (ms < min) continue;
    const start = intervals[first]!.from;
    points.push({
      fromBlock: start.block,
      toBlock: interval.to.block,
      fromTime: start.time,
      toTime: interval.to.time,
      poolApr: Number((gain * SCALE * BigInt(YEAR_MS)) / stakeTime) / 1e18,
    });
  }
  return points;
}

/** Each user's return from the program over the paid periods: what they were paid against the stake they held. */
export interface UserApr {
  user: string;
  paid: Rao;
  /** Σ over paid periods of mean stake × period length, in RAO·ms: the stake-time the payments were earned on. */
  stakeTime: bigint;
  apr: number | null;
}

export interface PaidPeriod {
  planId: string;
  startTime: Date;
  endTime: Date;
  /** Paid amount per user in this period. */
  paid: ReadonlyMap<string, Rao>;
}

/**
 * Effective APR per user: Σ paid / Σ (mean stake in the period × its length), annualised. The mean stake of a period
 * comes from the stake samples inside it (the charts' history); a period without a sample counts no stake-time.
 */
export function userAprs(periods: readonly PaidPeriod[], stakes: readonly { user: string; time: Date; stake: Rao }[]): UserApr[] {
  const users = [...new Set([...stakes.map((s) => s.user), ...periods.flatMap((p) => [...p.paid.keys()])])];
  return users.map((user) => {
    let paid = 0n;
    let stakeTime = 0n;
    let span = 0;
    for (const period of periods) {
      paid += period.paid.get(user) ?? 0n;
      const inside = stakes.filter((s) => s.user === user && s.time > period.startTime && s.time <= period.endTime);
      if (inside.length === 0) continue;
      const mean = inside.reduce((a, s) => a + s.stake, 0n) / BigInt(inside.length);
      stakeTime += mean * BigInt(period.endTime.getTime() - period.startTime.getTime());
      span += period.endTime.getTime() - period.startTime.getTime();
    }
    // Annualised only over enough time (see MIN_ANNUALISED_MS): a first payout after a few hours is no yearly rate.
    const apr = stakeTime > 0n && span >= MIN_ANNUALISED_MS ? Number((paid * SCALE * BigInt(YEAR_MS)) / stakeTime) / 1e18 : null;
    return { user, paid, stakeTime, apr };
  });
}
