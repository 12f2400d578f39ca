import { computePayouts, type PayoutPlan, type UserPayout } from './payout.js';
import { annualise } from './returns.js';
import type { ColdkeyStakes } from './stakes.js';
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

/** The current payout period: the snapshots after the last paid payout's period, up to the newest. */
export interface CurrentPeriod {
  snapshots: SnapshotSummary[];
  /** The snapshot the period starts from: the last one of the paid period, or the first snapshot ever. */
  startBlock: number;
  startTime: Date;
  endBlock: number;
  endTime: Date;
  /** The delegate stake gained since the start: the pool this period shares out (estimate). */
  poolAccrued: Rao;
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
  nextSnapshotBlock: number | null;
  lastPayout: PayoutSummary | null;
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
  /** earned / mean stake over the period, annualised: the program's return to this user, referral income included. */
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

/** The newest paid payout period (status `paid`), by its last block. */
function lastPaidPeriod(payouts: readonly PayoutRow[]): PayoutRow | null {
  let last: PayoutRow | null = null;
  for (const row of payouts) if (row.status === 'paid' && (last === null || row.toBlock > last.toBlock)) last = row;
  return last;
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
    total: mine.reduce((sum, r) => sum + r.amount, 0n),
    blockNumber: mine.find((r) => r.blockNumber !== null)?.blockNumber ?? null,
  };
}

/**
 * The period since the last paid payout. Its pool is what the delegate stake gained since the period started:
 * the sum of the increases between consecutive snapshots (a drop is money leaving the pool, not a negative take).
 * Before any payout the whole delegate stake at the newest snapshot is the pool.
 */
export function currentPeriod(snapshots: readonly SnapshotSummary[], payouts: readonly PayoutRow[]): CurrentPeriod | null {
  const ordered = byBlock(snapshots);
  const paid = lastPaidPeriod(payouts);
  const newest = ordered.at(-1);
  if (!newest) return null;
  if (!paid) {
    return { snapshots: ordered, startBlock: ordered[0]!.block, startTime: ordered[0]!.time, endBlock: newest.block, endTime: newest.time, poolAccrued: newest.delegateStake };
  }
  const inPeriod = ordered.filter((s) => s.block > paid.toBlock);
  if (inPeriod.length === 0) return null;
  const start = [...ordered].reverse().find((s) => s.block <= paid.toBlock) ?? inPeriod[0]!;
  let accrued = 0n;
  let previous = start;
  for (const s of inPeriod) {
    if (s.delegateStake > previous.delegateStake) accrued += s.delegateStake - previous.delegateStake;
    previous = s;
  }
  return { snapshots: inPeriod, startBlock: start.block, startTime: start.time, endBlock: newest.block, endTime: newest.time, poolAccrued: accrued };
}

export function validatorStats(input: StatsInput): ValidatorStats {
  const newest = byBlock(input.snapshots).at(-1) ?? null;
  const planIds = [...new Set(byBlock(input.payouts.map((r) => ({ ...r, block: r.toBlock }))).map((r) => r.planId))];
  const lastPlan = planIds.at(-1);
  return {
    newest,
    takePpm: input.takePpm,
    registeredUsers: input.users.length,
    usersStake: newest?.usersStake ?? 0n,
    usersSharePpb: newest ? ratioPpb(newest.usersStake, newest.nominatorStake) : null,
    period: currentPeriod(input.snapshots, input.payouts),
    nextSnapshotBlock: newest ? newest.block + input.settings.snapshotInterval : null,
    lastPayout: lastPlan === undefined ? null : summarisePayout(input.payouts, lastPlan),
  };
}

/**
 * This period's payout as `plan` would compute it now, from the workbook alone: every payout address is assumed to
 * exist (no existential-deposit carries) and the pool is what accrued since the last paid payout.
 */
export function estimatePeriod(input: StatsInput, period: CurrentPeriod): PayoutPlan | null {
  const stakesAt = new Map(input.records.map((r) => [r.block, r.stakes]));
  const snapshots = period.snapshots.map((s) => ({
    block: s.block,
    nominatorStake: s.nominatorStake,
    stakeByColdkey: stakesAt.get(s.block) ?? new Map<string, Rao>(),
  }));
  if (input.users.length === 0 || !snapshots.some((s) => s.nominatorStake > 0n)) return null;
  return computePayouts({
    users: input.users,
    referrals: input.referrals,
    taxMode: input.settings.taxMode,
    snapshots,
    pool: period.poolAccrued,
    carriedIn: new Map(),
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
    apr = annualise(row.earned, mean, period.endTime.getTime() - period.startTime.getTime());
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
      .map((r) => ({ planId: r.planId, fromBlock: r.fromBlock, toBlock: r.toBlock, status: r.status, amount: r.amount, extrinsicHash: r.extrinsicHash, blockNumber: r.blockNumber })),
  };
}
