import type { ReturnPoint } from '../domain/returns.js';
import type { UserStakePoint } from '../domain/stakes.js';
import type { PayoutRow, SnapshotSummary } from '../domain/types.js';

/** A user's share of one period as the payout math states it (a Payouts row, planned or estimated). */
export type ShareRow = Pick<PayoutRow, 'user' | 'pool' | 'basePpb' | 'taxPaid' | 'taxReceived' | 'amount'>;

/** Everything the charts show, already typed; built by the charts command from the workbook and records. */
export interface ChartData {
  snapshots: SnapshotSummary[];
  userStakes: UserStakePoint[];
  returns: ReturnPoint[];
  payouts: PayoutRow[];
  shares: ShareRow[];
  /** Which period `shares` describe, e.g. "estimate for blocks 1200–1500". */
  sharesPeriod: string;
}

export interface ChartSpec {
  /** File stem: `<name>.svg`, `<name>.png`. */
  name: string;
  title: string;
  spec: import('vega-lite').TopLevelSpec;
}
