import { referralForest } from '../domain/forest.js';
import { carriesByPlan, deliveredOf, planMoney } from '../domain/money.js';
import { accruedSeries, nextPayout } from '../domain/nextPayout.js';
import { closedPlans } from '../domain/period.js';
import { poolReturns, userAprs, type PaidPeriod } from '../domain/returns.js';
import { evenlySpaced } from '../domain/sample.js';
import { estimateBlockTime } from '../domain/statement.js';
import { userStakeSeries, type ColdkeyStakes, type UserStakePoint } from '../domain/stakes.js';
import { currentPeriod, estimatePeriod } from '../domain/stats.js';
import type { PayoutRow, Rao, Referral, Settings, SnapshotSummary, User } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import type { ChartData, PayoutMark, ShareRow } from './data.js';

export interface Program {
  users: User[];
  referrals: Referral[];
  settings: Settings;
  snapshots: SnapshotSummary[];
  payouts: PayoutRow[];
}

/**
 * The shares chart shows the current period as `plan` would compute it now; with no snapshot since the last paid
 * payout it shows the newest plan in Payouts instead.
 */
function shares(program: Program, periodRecords: readonly ColdkeyStakes[]): { rows: ShareRow[]; label: string } {
  const period = periodOrNull(program);
  const estimate = period && estimatePeriod({ ...program, records: periodRecords, takePpm: null }, period);
  if (period && estimate) {
    return {
      rows: estimate.rows.filter((r) => r.basePpb > 0n || r.earned > 0n).map((r) => ({ ...r, pool: period.poolAccrued, amount: r.earned })),
      label: `estimate for blocks ${period.startBlock}–${period.endBlock}`,
    };
  }
  const newest = [...program.payouts].sort((a, b) => a.toBlock - b.toBlock).at(-1);
  if (!newest) return { rows: [], label: '' };
  return {
    rows: program.payouts.filter((r) => r.planId === newest.planId && r.status !== 'carried'),
    label: `plan ${newest.planId}, blocks ${newest.fromBlock}–${newest.toBlock} (${newest.status})`,
  };
}

/** A partly paid plan has no next period yet (confirm must finish it); the charts then show the newest plan. */
function periodOrNull(program: Program) {
  try {
    return currentPeriod(program.snapshots, program.payouts);
  } catch (error) {
    if (error instanceof UserError) return null;
    throw error;
  }
}

/** Most snapshots a time chart draws; a longer history is drawn from this many, evenly spaced. */
export const MAX_CHART_SNAPSHOTS = 500;

/**
 * `history`: the users' stakes at (a sample of) all recorded snapshots, for the stake chart; `periodRecords`: every
 * record of the current period, which the estimate averages over exactly as `plan` does.
 */
export function chartData(program: Program, history: readonly ColdkeyStakes[], periodRecords: readonly ColdkeyStakes[]): ChartData {
  const payoutBlocks = program.payouts.flatMap((r) => (r.status === 'paid' && r.blockNumber !== null ? [r.blockNumber] : []));
  const { rows, label } = shares(program, periodRecords);
  const snapshots = evenlySpaced([...program.snapshots].sort((a, b) => a.block - b.block), MAX_CHART_SNAPSHOTS);
  const userStakes = userStakeSeries(program.users, history);
  return {
    snapshots,
    userStakes,
    returns: poolReturns(snapshots, payoutBlocks),
    payouts: program.payouts,
    shares: rows,
    sharesPeriod: label,
    ...programCharts(program, userStakes),
  };
}

/** The parts of the charts that come from the whole history (payouts, accrual, returns per user, referrals). */
export function programCharts(
  program: Pick<Program, 'snapshots' | 'payouts' | 'referrals'>,
  userStakes: readonly UserStakePoint[],
): Pick<ChartData, 'payoutMarks' | 'accrued' | 'next' | 'aprs' | 'forest'> {
  const ordered = [...program.snapshots].sort((a, b) => a.block - b.block);
  return {
    payoutMarks: payoutMarks(program.payouts, ordered),
    accrued: evenlySpaced(accruedSeries(ordered, program.payouts), MAX_CHART_SNAPSHOTS),
    next: nextPayout(ordered, program.payouts),
    aprs: userAprs(paidPeriods(program.payouts, ordered), userStakes),
    forest: referralForest([...program.referrals]),
  };
}

/** One mark per paid plan, at its paying block's time (recorded by confirm, else estimated from the snapshots). */
export function payoutMarks(payouts: readonly PayoutRow[], snapshots: readonly SnapshotSummary[]): PayoutMark[] {
  const marks: PayoutMark[] = [];
  const carries = carriesByPlan(payouts);
  for (const plan of closedPlans(payouts)) {
    const rows = payouts.filter((r) => r.planId === plan.planId && r.status === 'paid');
    const timed = rows.find((r) => r.paidAt !== undefined);
    const block = Math.max(...rows.map((r) => r.blockNumber ?? r.toBlock));
    const time = timed?.paidAt ?? estimateBlockTime(block, snapshots);
    if (!time) continue;
    const money = planMoney(payouts, plan.planId, carries);
    marks.push({ planId: plan.planId, block, time, exact: timed !== undefined, paid: money.paid, pool: money.pool, allocated: money.allocated, kept: money.keptByOwner });
  }
  return marks;
}

/** Each paid plan's span on the clock (from the previous paid plan's last snapshot) and what it paid each user. */
export function paidPeriods(payouts: readonly PayoutRow[], snapshots: readonly SnapshotSummary[]): PaidPeriod[] {
  const timeAt = new Map(snapshots.map((s) => [s.block, s.time]));
  let start = snapshots[0]?.time ?? null;
  const periods: PaidPeriod[] = [];
  for (const plan of closedPlans(payouts)) {
    const end = timeAt.get(plan.toBlock);
    if (!end || !start) continue;
    const paid = new Map<string, Rao>();
    for (const r of payouts) if (r.planId === plan.planId && r.status === 'paid') paid.set(r.user, (paid.get(r.user) ?? 0n) + deliveredOf(r));
    periods.push({ planId: plan.planId, startTime: start, endTime: end, paid });
    start = end;
  }
  return periods;
}
