import type { ForestEdge, ForestNode } from '../domain/forest.js';
import type { AccruedPoint, NextPayoutEstimate } from '../domain/nextPayout.js';
import type { ReturnPoint, UserApr } from '../domain/returns.js';
import type { UserStakePoint } from '../domain/stakes.js';
import type { PayoutRow, Rao, SnapshotSummary } from '../domain/types.js';

/** A paid plan as a moment on the time axis: when its payment landed and how much it paid. */
export interface PayoutMark {
  planId: string;
  block: number;
  time: Date;
  /** Whether `time` is the paying block's own timestamp (else estimated from the snapshots around it). */
  exact: boolean;
  /** What the chain delivered to users (domain/money.ts: the same figure the statements and `stats` show). */
  paid: Rao;
  /** The take accrued over the period. */
  pool: Rao;
  /** What registered users earned from the pool. */
  allocated: Rao;
  /** pool − allocated: what stayed with the owner (unregistered nominators' share). */
  kept: Rao;
}

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
  payoutMarks: PayoutMark[];
  /** The payable pool at each (sampled) snapshot: take accrued since the last payout before it. */
  accrued: AccruedPoint[];
  next: NextPayoutEstimate | null;
  aprs: UserApr[];
  forest: { nodes: ForestNode[]; edges: ForestEdge[] };
}

export interface ChartSpec {
  /** File stem: `<name>.svg`, `<name>.png`. */
  name: string;
  title: string;
  spec: import('vega-lite').TopLevelSpec;
}
