import { deliveredOf, planMoney, type PlanMoney } from './money.js';
import { computePayouts, type PayoutPlan, type UserPayout } from './payout.js';
import { closedPlans, payoutHistory } from './period.js';
import { annualisedOver } from './returns.js';
import { nextGridBlock } from './snapshotGrid.js';
import type { ColdkeyStakes } from './stakes.js';
import { UserError } from '../util/errors.js';
import type { PayoutRow, Rao, Referral, Settings, SnapshotSummary, User } from './types.js';

/** What the statistics are computed from: the workbook's sheets and the per-nominator snapshot records. */
export interface StatsInput {
  users: readonly User[];
  referrals: readonly Referral[];
  settings: Settings;
  snapshots: readonly SnapshotSummary[];
  /** Per-snapshot coldkey stakes, for every snapshot the records hold (at least those of the current period). */
  records: readonly ColdkeyStakes[];
  payouts: readonly PayoutRow[];
  /** The validator's take in ppm at the newest snapshot, when the records carry it. */
  takePpm: bigint | null;
}

/** The current payout period: the snapshots after the newest closed plan, up to the newest. */
export interface CurrentPeriod {
  snapshots: SnapshotSummary[];
  /** The snapshot the pool is measured from: the last one of the closed period, or the period's first. */
  startBlock: number;
  startTime: Date;
  endBlock: number;
  endTime: Date;
  /** The delegate stake gained since the start: the pool this period shares out (estimate). */
  poolAccrued: Rao;
  /** What the last closed plan carried into this period, by user. */
  carriedIn: ReadonlyMap<string, Rao>;
}

export interface PayoutSummary {
  planId: string;
  fromBlock: number;
  toBlock: number;
  status: PayoutRow['status'];
  users: number;
  total: Rao;
  blockNumber: number | null;
}

export interface ValidatorStats {
  newest: SnapshotSummary | null;
  takePpm: bigint | null;
  registeredUsers: number;
  /** Registered users' stake at the newest snapshot and its share of nominator stake (ppb). */
  usersStake: Rao;
  usersSharePpb: bigint | null;
  period: CurrentPeriod | null;
  /** Why there is no current period although there are snapshots (e.g. a plan is partly paid). */
  periodProblem: string | null;
  nextSnapshotBlock: number | null;
  /** The newest paid plan. */
  lastPayout: PayoutSummary | null;
  /** The newest plan not paid yet (planned, being sent, or partly paid): never called a payout. */
  openPlan: PayoutSummary | null;
  /** The last payout's money: pool, allocated to registered users, paid, kept by the owner (domain/money.ts). */
  lastPayoutMoney: PlanMoney | null;
  /** What `plan` would allocate to registered users from this period's pool now (the rest stays with the owner). */
  periodAllocated: Rao | null;
}

export interface Relation {
  name: string;
  taxPpm: bigint;
}

export interface UserHistoryRow {
  planId: string;
  fromBlock: number;
  toBlock: number;
  status: PayoutRow['status'];
  amount: Rao;
  /** What the chain delivered for a paid row (the amount where that was not recorded); null while not paid. */
  delivered: Rao | null;
  extrinsicHash: string | null;
  blockNumber: number | null;
}

export interface UserStats {
  name: string;
  addresses: string[];
  /** Stake per coldkey at the newest snapshot (0 when the coldkey had none). */
  stakeByAddress: { address: string; stake: Rao }[];
  currentStake: Rao | null;
  sharePpb: bigint | null;
  /** This period's estimate (null before any snapshot of the period). */
  estimate: Pick<UserPayout, 'basePpb' | 'taxPaid' | 'taxReceived' | 'earned'> | null;
  /** earned / pool in ppb: the final share after referrals. */
  finalPpb: bigint | null;
  referrer: Relation | null;
  referees: Relation[];
  /**
   * earned / mean stake over the period, annualised: the program's return to this user, referral income included.
   * Null until the period spans MIN_ANNUALISED_MS.
   */
  aprInclReferrals: number | null;
  history: UserHistoryRow[];
}

const PPB = 1_000_000_000n;

function ratioPpb(part: Rao, whole: Rao): bigint | null {
  return whole > 0n ? (part * PPB) / whole : null;
}

function byBlock<T extends { block: number }>(items: readonly T[]): T[] {
  return [...items].sort((a, b) => a.block - b.block);
}

export function summarisePayout(rows: readonly PayoutRow[], planId: string): PayoutSummary {
  const mine = rows.filter((r) => r.planId === planId && r.status !== 'carried');
  const first = rows.find((r) => r.planId === planId)!;
  return {
    planId,
    fromBlock: first.fromBlock,
    toBlock: first.toBlock,
    status: first.status,
    users: mine.length,
    // A paid row counts what the chain delivered: a shortfall is paid, and counted, with the next plan.
    total: mine.reduce((sum, r) => sum + (r.status === 'paid' ? deliveredOf(r) : r.amount), 0n),
    blockNumber: mine.find((r) => r.blockNumber !== null)?.blockNumber ?? null,
  };
}

/**
 * The period `plan` would pay now, by its rules (domain/period.ts): the snapshots after the newest closed plan, and
 * as pool what the delegate stake grew by from that plan's last snapshot (or the period's first) to the newest.
 */
export function currentPeriod(snapshots: readonly SnapshotSummary[], payouts: readonly PayoutRow[]): CurrentPeriod | null {
  const history = payoutHistory(payouts);
  const ordered = byBlock(snapshots);
  const inPeriod = ordered.filter((s) => history.closedThrough === null || s.block > history.closedThrough);
  const newest = inPeriod.at(-1);
  if (!newest) return null;
  const baseline = ordered.find((s) => s.block === history.closedThrough) ?? inPeriod[0]!;
  return {
    snapshots: inPeriod,
    startBlock: baseline.block,
    startTime: baseline.time,
    endBlock: newest.block,
    endTime: newest.time,
    poolAccrued: newest.delegateStake - baseline.delegateStake,
    carriedIn: history.carriedIn,
  };
}

export function validatorStats(input: StatsInput): ValidatorStats {
  const newest = byBlock(input.snapshots).at(-1) ?? null;
  const planIds = [...new Set(byBlock(input.payouts.map((r) => ({ ...r, block: r.toBlock }))).map((r) => r.planId))];
  const closed = new Set(closedPlans(input.payouts).map((p) => p.planId));
  const lastPaid = planIds.filter((id) => closed.has(id)).at(-1);
  const lastOpen = planIds.filter((id) => !closed.has(id)).at(-1);
  let period: CurrentPeriod | null = null;
  let periodProblem: string | null = null;
  try {
    period = currentPeriod(input.snapshots, input.payouts);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    periodProblem = error.message;
  }
  return {
    newest,
    takePpm: input.takePpm,
    registeredUsers: input.users.length,
    usersStake: newest?.usersStake ?? 0n,
    usersSharePpb: newest ? ratioPpb(newest.usersStake, newest.nominatorStake) : null,
    period,
    periodProblem,
    nextSnapshotBlock: newest ? nextGridBlock(newest.block, input.settings.snapshotInterval) : null,
    lastPayout: lastPaid === undefined ? null : summarisePayout(input.payouts, lastPaid),
    openPlan: lastOpen === undefined ? null : summarisePayout(input.payouts, lastOpen),
    lastPayoutMoney: lastPaid === undefined ? null : planMoney(input.payouts, lastPaid),
    periodAllocated: period ? (estimatePeriod(input, period)?.allocated ?? null) : null,
  };
}

/**
 * This period's payout as `plan` would compute it now, from the workbook alone: every payout address is assumed to
 * exist (no existential-deposit carries) and the pool is what accrued since the last closed plan. Null when there is
 * nothing to share (no users, no nominator stake, or the delegate stake did not grow).
 */
export function estimatePeriod(input: StatsInput, period: CurrentPeriod): PayoutPlan | null {
  const stakesAt = new Map(input.records.map((r) => [r.block, r.stakes]));
  const snapshots = period.snapshots.map((s) => ({
    block: s.block,
    nominatorStake: s.nominatorStake,
    stakeByColdkey: stakesAt.get(s.block) ?? new Map<string, Rao>(),
  }));
  if (input.users.length === 0 || period.poolAccrued <= 0n || !snapshots.some((s) => s.nominatorStake > 0n)) return null;
  return computePayouts({
    users: input.users,
    referrals: input.referrals,
    taxMode: input.settings.taxMode,
    snapshots,
    pool: period.poolAccrued,
    carriedIn: period.carriedIn,
    accountExists: () => true,
    existentialDeposit: 0n,
  });
}

function userStake(user: User, stakes: ReadonlyMap<string, Rao> | undefined): Rao {
  return user.addresses.reduce((sum, a) => sum + (stakes?.get(a) ?? 0n), 0n);
}

export function userStats(input: StatsInput, user: User, estimate: PayoutPlan | null, period: CurrentPeriod | null): UserStats {
  const records = byBlock(input.records);
  const newestSnapshot = byBlock(input.snapshots).at(-1);
  const newestStakes = newestSnapshot ? records.find((r) => r.block === newestSnapshot.block)?.stakes : undefined;
  const currentStake = newestStakes ? userStake(user, newestStakes) : null;
  const row = estimate?.rows.find((r) => r.user === user.name) ?? null;
  const referrerEdge = input.referrals.find((r) => r.referee === user.name);

  let apr: number | null = null;
  if (row && period) {
    const periodBlocks = new Set(period.snapshots.map((s) => s.block));
    const stakes = records.filter((r) => periodBlocks.has(r.block)).map((r) => userStake(user, r.stakes));
    const mean = stakes.length > 0 ? stakes.reduce((a, b) => a + b, 0n) / BigInt(stakes.length) : 0n;
    apr = annualisedOver(row.earned, mean, period.endTime.getTime() - period.startTime.getTime());
  }

  return {
    name: user.name,
    addresses: [...user.addresses],
    stakeByAddress: user.addresses.map((address) => ({ address, stake: newestStakes?.get(address) ?? 0n })),
    currentStake,
    sharePpb: currentStake !== null && newestSnapshot ? ratioPpb(currentStake, newestSnapshot.nominatorStake) : null,
    estimate: row && { basePpb: row.basePpb, taxPaid: row.taxPaid, taxReceived: row.taxReceived, earned: row.earned },
    finalPpb: row && period ? ratioPpb(row.earned, period.poolAccrued) : null,
    referrer: referrerEdge ? { name: referrerEdge.referrer, taxPpm: referrerEdge.taxPpm } : null,
    referees: input.referrals.filter((r) => r.referrer === user.name).map((r) => ({ name: r.referee, taxPpm: r.taxPpm })),
    aprInclReferrals: apr,
    history: input.payouts
      .filter((r) => r.user === user.name)
      .sort((a, b) => a.toBlock - b.toBlock)
      .map((r) => ({ planId: r.planId, fromBlock: r.fromBlock, toBlock: r.toBlock, status: r.status, amount: r.amount, delivered: r.status === 'paid' ? deliveredOf(r) : null, extrinsicHash: r.extrinsicHash, blockNumber: r.blockNumber })),
  };
}
