import { poolReturns } from '../domain/returns.js';
import { evenlySpaced } from '../domain/sample.js';
import { userStakeSeries, type ColdkeyStakes } from '../domain/stakes.js';
import { currentPeriod, estimatePeriod } from '../domain/stats.js';
import type { PayoutRow, Referral, Settings, SnapshotSummary, User } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import type { ChartData, ShareRow } from './data.js';

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
  return {
    snapshots,
    userStakes: userStakeSeries(program.users, history),
    returns: poolReturns(snapshots, payoutBlocks),
    payouts: program.payouts,
    shares: rows,
    sharesPeriod: label,
  };
}
