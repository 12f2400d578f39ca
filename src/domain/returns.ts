import type { Rao, SnapshotSummary } from './types.js';

/** 365.25 days: the mean calendar year, so leap years do not bend the rate. */
export const YEAR_MS = 31_557_600_000;

/** The rate is computed with integers to 18 decimals; only the final ratio becomes a number (display only). */
const SCALE = 10n ** 18n;

export const POOL_RETURN_FORMULA = 'APR = (D₂ − D₁) / N₁ × (1 year / (t₂ − t₁)); D = delegate stake (pool), N = nominator stake';

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
 * A display ratio: the integers are divided exactly to 18 decimals first, then turned into a number.
 */
export function annualise(gain: Rao, principal: Rao, durationMs: number): number | null {
  if (principal <= 0n || !Number.isSafeInteger(durationMs) || durationMs <= 0) return null;
  const scaled = (gain * SCALE * BigInt(YEAR_MS)) / (principal * BigInt(durationMs));
  return Number(scaled) / 1e18;
}

/**
 * The pool's annualised return between consecutive snapshots. The delegate stake only grows by the take
 * (and the pool's own emission); it shrinks when a payout leaves it, so intervals that contain a payout block,
 * or where the pool shrank for any other reason (the owner unstaked), say nothing about the return and are skipped.
 */
export function poolReturns(snapshots: readonly SnapshotSummary[], payoutBlocks: readonly number[] = []): ReturnPoint[] {
  const ordered = [...snapshots].sort((a, b) => a.block - b.block);
  const points: ReturnPoint[] = [];
  for (let i = 1; i < ordered.length; i++) {
    const from = ordered[i - 1]!;
    const to = ordered[i]!;
    const gain = to.delegateStake - from.delegateStake;
    if (gain < 0n) continue;
    if (payoutBlocks.some((b) => b > from.block && b <= to.block)) continue;
    const apr = annualise(gain, from.nominatorStake, to.time.getTime() - from.time.getTime());
    if (apr === null) continue;
    points.push({ fromBlock: from.block, toBlock: to.block, fromTime: from.time, toTime: to.time, poolApr: apr });
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
    for (const period of periods) {
      paid += period.paid.get(user) ?? 0n;
      const inside = stakes.filter((s) => s.user === user && s.time > period.startTime && s.time <= period.endTime);
      if (inside.length === 0) continue;
      const mean = inside.reduce((a, s) => a + s.stake, 0n) / BigInt(inside.length);
      stakeTime += mean * BigInt(period.endTime.getTime() - period.startTime.getTime());
    }
    const apr = stakeTime > 0n ? Number((paid * SCALE * BigInt(YEAR_MS)) / stakeTime) / 1e18 : null;
    return { user, paid, stakeTime, apr };
  });
}
