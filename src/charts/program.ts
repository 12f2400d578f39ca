import { poolReturns } from '../domain/returns.js';
import { userStakeSeries, type ColdkeyStakes } from '../domain/stakes.js';
import { currentPeriod, estimatePeriod } from '../domain/stats.js';
import type { PayoutRow, Referral, Settings, SnapshotSummary, User } from '../domain/types.js';
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
function shares(program: Program, records: readonly ColdkeyStakes[]): { rows: ShareRow[]; label: string } {
  const period = currentPeriod(program.snapshots, program.payouts);
  const estimate = period && estimatePeriod({ ...program, records, takePpm: null }, period);
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

export function chartData(program: Program, records: readonly ColdkeyStakes[]): ChartData {
  const payoutBlocks = program.payouts.flatMap((r) => (r.status === 'paid' && r.blockNumber !== null ? [r.blockNumber] : []));
  const { rows, label } = shares(program, records);
  return {
    snapshots: [...program.snapshots].sort((a, b) => a.block - b.block),
    userStakes: userStakeSeries(program.users, records),
    returns: poolReturns(program.snapshots, payoutBlocks),
    payouts: program.payouts,
    shares: rows,
    sharesPeriod: label,
  };
}
