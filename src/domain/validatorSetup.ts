import { formatTao } from './tao.js';
import { formatTaxPercent } from './tax.js';
import { PPM, type Rao, type ValidatorSnapshot } from './types.js';

/**
 * The validator setup check. The program's pool is the take: what the owner coldkey earns from the nominators' stake.
 * If the owner also keeps stake of their own on the hotkey, that stake earns staking rewards too, and `plan --pool
 * accrued` (the growth of the owner's stake) would hand those out with the take (and any stake the owner adds).
 *
 * How it is estimated, from two snapshot records (the period's start and its newest):
 * - Emission grows every staker's alpha on a subnet by the same factor. The factor g is read off the nominators: the
 *   median, over nominators staked on that subnet at both snapshots, of alpha now / alpha then (the median ignores
 *   the few who added or removed stake).
 * - The nominators kept (1 − take) of what their stake earned, so the take from them is take / (1 − take) × (g − 1) ×
 *   their alpha (the larger of the two snapshots' totals, so the estimate errs high), valued at the newest prices.
 *   Summed over subnets, that is the most the take alone can have added to the owner's stake over the period.
 * - The owner's stake now is compared with it: more than a tenth above means stake of the owner's own on the hotkey.
 *   It matters when the accrued pool (the owner's stake now less at the start) is more than a twentieth above the
 *   take estimate: that part is the owner's own rewards (or stake added), and plan --pool accrued would pay it out.
 */
export interface SetupEstimate {
  fromBlock: number;
  toBlock: number;
  takePpm: bigint;
  /** The owner coldkey's stake on the hotkey at the newest snapshot. */
  ownerStake: Rao;
  /** The most the take alone can have added to it since `fromBlock`. */
  takeAccrued: Rao;
  /** What plan --pool accrued would pay: the owner's stake now less at `fromBlock`. */
  accrued: Rao;
  /** ownerStake − takeAccrued, when positive: the owner's stake the take does not explain. */
  unexplained: Rao;
  /** accrued − takeAccrued, when positive: the part of the accrued pool that is not the take. */
  notTake: Rao;
  /** ok: the owner's stake is what the take explains; own-stake: it holds more and the pool includes it; unknown: the records cannot tell. */
  verdict: 'ok' | 'own-stake' | 'unknown';
  /** Why the verdict is unknown. */
  reason: string | null;
}

/** Why a period of one snapshot cannot be checked: the take is measured as growth between two. */
const ONE_SNAPSHOT = 'needs a second snapshot';

const SCALE = 1_000_000_000n;
/** Differences below this are rounding, not stake. */
const DUST: Rao = 1_000_000n;

export function estimateValidatorSetup(start: ValidatorSnapshot, end: ValidatorSnapshot): SetupEstimate {
  const accrued = end.delegateStake - start.delegateStake;
  const base = { fromBlock: start.block, toBlock: end.block, takePpm: end.takePpm, ownerStake: end.delegateStake, accrued };
  const unknown = (reason: string): SetupEstimate => ({ ...base, takeAccrued: 0n, unexplained: 0n, notTake: 0n, verdict: 'unknown', reason });
  if (end.block <= start.block) return unknown(ONE_SNAPSHOT);
  if (end.takePpm >= PPM) return unknown(`the take is ${formatTaxPercent(end.takePpm)}%`);

  const price = pricer(end);
  const keep = PPM - end.takePpm;
  let takeAccrued = 0n;
  let measured = false;
  for (const netuid of subnetsOf(start, end)) {
    const growth = medianGrowth(start, end, netuid);
    if (growth === null) continue;
    measured = true;
    const nominatorAlpha = maxBig(nominatorTotal(start, netuid), nominatorTotal(end, netuid));
    takeAccrued += price(netuid, (nominatorAlpha * (growth - SCALE) * end.takePpm) / (SCALE * keep));
  }
  if (!measured) return unknown('no nominator was staked at both snapshots, so the growth from emission cannot be measured');
  const unexplained = maxBig(0n, end.delegateStake - takeAccrued);
  const notTake = maxBig(0n, accrued - takeAccrued);
  const ownStake = unexplained > DUST && unexplained * 10n > takeAccrued && notTake > DUST && notTake * 20n > accrued;
  return { ...base, takeAccrued, unexplained, notTake, verdict: ownStake ? 'own-stake' : 'ok', reason: null };
}

/** The check's finding in words: what was compared, and what it means for `plan --pool accrued`. */
export function describeSetup(e: SetupEstimate): string[] {
  const period = `blocks ${e.fromBlock}–${e.toBlock}`;
  if (e.verdict === 'unknown') {
    return e.fromBlock === e.toBlock
      ? [`validator setup: cannot tell yet: ${e.reason} (block ${e.fromBlock} is the period's only one).`]
      : [`validator setup: cannot check over ${period}: ${e.reason}.`];
  }
  const compared =
    `the owner coldkey has ${formatTao(e.ownerStake)} TAO on the hotkey; the take (${formatTaxPercent(e.takePpm)}%) ` +
    `can have added at most about ${formatTao(e.takeAccrued)} TAO over ${period} (estimated from the nominators' growth)`;
  if (e.verdict === 'ok') return [`validator setup: ok: ${compared}.`];
  return [
    `validator setup: the owner holds stake of their own on the hotkey: ${compared}, so about ${formatTao(e.unexplained)} TAO ` +
      'of it is not the take.',
    `Of the ${formatTao(e.accrued)} TAO the owner's stake grew by over ${period}, about ${formatTao(e.notTake)} TAO is not ` +
      'the take (the rewards of that stake, or stake added), and plan --pool accrued would pay it to the users.',
    'Fix: move the owner\'s own stake to a separate coldkey (README, "Validator setup"), or pay a pool you choose: ' +
      'valtrac plan --pool TAO.',
  ];
}

function subnetsOf(...snapshots: ValidatorSnapshot[]): number[] {
  const netuids = new Set<number>();
  for (const s of snapshots) {
    for (const n of s.nominators) for (const sub of n.subnets) netuids.add(sub.netuid);
    for (const sub of s.delegateSubnets ?? []) netuids.add(sub.netuid);
  }
  return [...netuids].sort((a, b) => a - b);
}

function alphaOn(subnets: readonly { netuid: number; alpha: bigint }[], netuid: number): bigint {
  return subnets.find((s) => s.netuid === netuid)?.alpha ?? 0n;
}

/** The median of alpha(end) / alpha(start), scaled by 10^9 and at least 1, over nominators staked at both; null if none. */
function medianGrowth(start: ValidatorSnapshot, end: ValidatorSnapshot, netuid: number): bigint | null {
  const before = new Map(start.nominators.map((n) => [n.coldkey, alphaOn(n.subnets, netuid)]));
  const ratios: bigint[] = [];
  for (const n of end.nominators) {
    const then = before.get(n.coldkey) ?? 0n;
    const now = alphaOn(n.subnets, netuid);
    if (then > 0n && now > 0n) ratios.push((now * SCALE) / then);
  }
  if (ratios.length === 0) return null;
  ratios.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return maxBig(SCALE, ratios[(ratios.length - 1) >> 1]!);
}

function nominatorTotal(s: ValidatorSnapshot, netuid: number): bigint {
  return s.nominators.reduce((sum, n) => sum + alphaOn(n.subnets, netuid), 0n);
}

/** Alpha of a subnet in TAO at the snapshot's prices (1:1 where the record has none: root and legacy stake). */
function pricer(s: ValidatorSnapshot): (netuid: number, alpha: bigint) => Rao {
  const prices = new Map((s.prices ?? []).map((p) => [p.netuid, p]));
  return (netuid, alpha) => {
    const p = prices.get(netuid);
    return p ? (alpha * p.num) / p.den : alpha;
  };
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
