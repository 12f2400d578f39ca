/**
 * The typed values that flow between the workbook, the chain and the payout math.
 * Everything here is parsed once at the boundary; inside ValTrac these types are trusted.
 * Money is always RAO (1 TAO = 10^9 RAO) as bigint.
 */
export type Rao = bigint;

export const RAO_PER_TAO = 1_000_000_000n;
/** Referral tax and other fractions are parts per million: 15% = 150_000n. */
export const PPM = 1_000_000n;

export type SheetName = 'Users' | 'Referrals' | 'Settings' | 'Snapshots' | 'Payouts' | 'Problems';

/** Something wrong in a sheet people edit: where, what, and how to fix it. */
export interface Problem {
  sheet: SheetName;
  /** A1 notation, e.g. "B7". */
  cell: string;
  message: string;
  fix: string;
}

export interface User {
  name: string;
  /** SS58 coldkeys in sheet order; the first receives payouts. */
  addresses: string[];
  /** 1-based sheet row, for messages. */
  row: number;
  /** A1 cell of each address when read from the sheet (blank cells may sit between them); else B, C, ... of `row`. */
  addressCells?: string[];
}

export interface Referral {
  referrer: string;
  referee: string;
  taxPpm: bigint;
  row: number;
  /** A date typed in the tax cell (yyyy-mm-dd): a problem at the cell; listed as typed, the tax counted as 0 meanwhile. */
  taxDate?: string;
}

/** `base`: tax applies to the referee's base share only. `compound`: to all the referee receives, deepest layer first. */
export type TaxMode = 'base' | 'compound';

/**
 * From which snapshot a registered coldkey's stake counts. `period`: from the start of the period in which it was added
 * (as the original Python tool did, whose log held every nominator). `added`: from the first snapshot after it was added.
 */
export type CountFrom = 'period' | 'added';

export interface Settings {
  hotkey: string | null;
  network: string;
  snapshotInterval: number;
  payoutColdkey: string | null;
  taxMode: TaxMode;
  /** Where `confirm` asks the TAO/USD price (http or https); off while null. */
  priceUrl: string | null;
  /** The JSON path of the price in that answer, e.g. `bittensor.usd` (checked by parseJsonPath). */
  pricePath: string | null;
  /** Discord- or Slack-compatible incoming webhook (http or https); no notifications while null. */
  webhookUrl: string | null;
  /** How long the node may stay unreachable before a notification says so. */
  nodeAlertMinutes: number;
  countFrom: CountFrom;
  /** The public block explorer statements link to (`taostats` or `none`); no link is made for a local node. */
  explorer: string;
  /** A runtime spec that differs from the known-runtime table and that the owner accepted; null: none. */
  acceptedRuntime: number | null;
}

/** One row of the Snapshots sheet. */
export interface SnapshotSummary {
  block: number;
  blockHash: string;
  time: Date;
  totalStake: Rao;
  delegateStake: Rao;
  nominatorStake: Rao;
  nominators: number;
  usersStake: Rao;
  /** subtensor's basket escrow on the hotkey (what look-through left with it): not a nominator, not in the total. */
  escrowStake?: Rao;
}

export interface SubnetStake {
  netuid: number;
  /** Stake in the subnet's alpha (RAO units of alpha); on root or legacy runtimes equal to tao. */
  alpha: bigint;
  /** The alpha valued in TAO at the snapshot block. */
  tao: Rao;
}

export interface NominatorStake {
  coldkey: string;
  /** Sum of `subnets[].tao`. */
  stake: Rao;
  subnets: SubnetStake[];
}

/** A subnet's alpha price at a block as an exact fraction: tao = floor(alpha * num / den). Root (netuid 0) is 1/1. */
export interface SubnetPrice {
  netuid: number;
  num: bigint;
  den: bigint;
}

/** subtensor's basket escrow on the hotkey (domain/basket.ts): never a nominator, shown apart. */
export interface EscrowStake {
  /** What stays with the escrow after look-through (all of it where the runtime has no basket maps). */
  subnets: SubnetStake[];
  /** Sum of `subnets[].tao`: left out of the nominator stake. */
  stake: Rao;
  /** Where the runtime has the basket maps: what look-through attributed, so a plan can be recomputed. */
  basket?: {
    /** The escrow's whole holdings on the hotkey, alpha per subnet, before look-through. */
    holdings: Array<[number, bigint]>;
    /** `BasketShares(hotkey)`. */
    shares: bigint;
    /** Each staker's owed fund shares; its part of each holding is floor(holding × owed / shares). */
    owed: Array<[string, bigint]>;
  };
}

/** Everything read from the chain for one validator hotkey at one block. */
export interface ValidatorSnapshot {
  block: number;
  blockHash: string;
  time: Date;
  hotkey: string;
  owner: string;
  takePpm: bigint;
  era: 'dynamic' | 'legacy';
  totalStake: Rao;
  /** The owner coldkey's own stake on the hotkey: the payout pool. */
  delegateStake: Rao;
  /** Every coldkey with stake on the hotkey except the owner and the basket escrow (its parts looked through). */
  nominators: NominatorStake[];
  /** The owner's own stake per subnet (what `transfer_stake` can pay out from). */
  delegateSubnets?: SubnetStake[];
  /** The price each subnet's alpha was valued at, so the TAO values can be re-derived exactly. */
  prices?: SubnetPrice[];
  /** The basket escrow's positions on the hotkey, when it has any (not counted in totalStake). */
  escrow?: EscrowStake;
  /** What the reader had to work around to reconcile with the runtime's totals (for the log, not recorded). */
  notes?: string[];
}

export type PayoutStatus = 'planned' | 'carried' | 'sent' | 'paid' | 'failed';

/** One row of the Payouts sheet. */
export interface PayoutRow {
  planId: string;
  status: PayoutStatus;
  fromBlock: number;
  toBlock: number;
  pool: Rao;
  user: string;
  address: string;
  basePpb: bigint;
  taxPaid: Rao;
  taxReceived: Rao;
  amount: Rao;
  batch: number | null;
  extrinsicHash: string | null;
  blockNumber: number | null;
  blockHash: string | null;
  note: string;
  /**
   * What the chain's events show arrived for a paid row, in TAO (null until paid, and for rows paid before ValTrac
   * recorded it). Less than `amount` means the difference is carried into the next plan.
   */
  delivered: Rao | null;
  /** When the paying block was made (its timestamp); absent in rows paid before ValTrac recorded it. */
  paidAt?: Date;
  /** USD per TAO, scaled by 10^9, from the price source when the row was paid; absent without one. */
  usdPrice?: bigint;
}

/** A Payouts row as read from the sheet: where it is, so messages can name its cells. */
export interface PayoutSheetRow extends PayoutRow {
  row: number;
}
