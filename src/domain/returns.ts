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
