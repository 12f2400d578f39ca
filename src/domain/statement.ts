import { createHash } from 'node:crypto';
import { deliveredAssets, type DeliveredAsset, type StakePayment } from './delivered.js';
import { carriesByPlan, deliveredOf, planMoney, type PlanMoney } from './money.js';
import { nameKey } from './names.js';
import { formatScaled9 } from './tao.js';
import type { PayoutRow, Rao, Referral, SnapshotSummary } from './types.js';

/** One user's statement for one paid period: the Payouts row as it is, and what it means. */
export interface Statement {
  user: string;
  planId: string;
  fromBlock: number;
  toBlock: number;
  /** The plan's money: pool (take accrued), allocated to registered users, paid, kept by the owner. */
  money: PlanMoney;
  address: string;
  basePpb: bigint;
  /** What this user earned from this period's pool: the row's amount without the carry from the previous plan. */
  earned: Rao;
  /** What the previous plan still owed this user (carried, or not delivered), paid with this row. */
  carriedIn: Rao;
  /** earned / pool in ppb (rounded down): the share after referral tax moved, without the carry. */
  sharePpb: bigint;
  taxPaid: Rao;
  /** The referrer the tax went to, as the Referrals sheet says now. */
  taxTo: { name: string; taxPpm: bigint } | null;
  taxReceived: Rao;
  /** Each referee's tax paid in the same plan (each rounded down, so they may sum to a few RAO under taxReceived). */
  taxFrom: { name: string; taxPpm: bigint; amount: Rao }[];
  /** What was sent (earned + carriedIn). */
  amount: Rao;
  /** What the chain's events showed arrived, valued in TAO (the amount for rows paid before that was recorded). */
  delivered: Rao;
  /** What arrived, asset by asset: TAO, and each subnet's alpha for a payment made as stake. */
  assets: DeliveredAsset[];
  extrinsicHash: string | null;
  blockNumber: number | null;
  blockHash: string | null;
  paidAt: Date;
  /** Whether paidAt is the block's own timestamp or estimated from the snapshots around the block. */
  paidAtExact: boolean;
  usdPrice: bigint | null;
  /** delivered × usdPrice, in cents, rounded half up. */
  usdCents: bigint | null;
  note: string;
}

/** Subtensor makes a block every 12 seconds: the rate used beyond the snapshots' own times. */
const BLOCK_MS = 12_000;

/** A block's time from the snapshots around it (linear between them), or 12 s a block from the nearest one. */
export function estimateBlockTime(block: number, snapshots: readonly SnapshotSummary[]): Date | null {
  const ordered = [...snapshots].sort((a, b) => a.block - b.block);
  if (ordered.length === 0) return null;
  const after = ordered.find((s) => s.block >= block);
  const before = [...ordered].reverse().find((s) => s.block <= block);
  if (before && after && after.block !== before.block) {
    const t = before.time.getTime() + ((after.time.getTime() - before.time.getTime()) * (block - before.block)) / (after.block - before.block);
    return new Date(Math.round(t));
  }
  const near = before ?? after!;
  return new Date(near.time.getTime() + (block - near.block) * BLOCK_MS);
}

/** USD value of `amount` RAO at `usdPrice` (USD per TAO × 10^9), in cents, rounded half up. Display value only. */
export function usdCents(amount: Rao, usdPrice: bigint): bigint {
  const nanoUsd = amount * usdPrice; // RAO × nano-USD/TAO = 10^-18 USD
  return (nanoUsd + 5n * 10n ** 15n) / 10n ** 16n;
}

export function formatCents(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

export function formatPercentPpb(ppb: bigint): string {
  return `${formatScaled9(ppb * 100n).replace(/0{1,5}$/, '')} %`;
}

/**
 * The statements of every paid row that delivered something, in plan order. Referrers and referees come from the
 * Referrals sheet as it reads now (Payouts keeps each row's tax, not who it went to). `stakeOf` gives what a payment
 * made as stake sent per subnet (from the send log), so the statement and the tax file name the alpha that arrived.
 */
export function statements(
  payouts: readonly PayoutRow[],
  referrals: readonly Referral[],
  snapshots: readonly SnapshotSummary[],
  stakeOf: (planId: string, user: string) => StakePayment | null = () => null,
): Statement[] {
  const referrerOf = new Map(referrals.map((r) => [r.referee, r]));
  const carries = carriesByPlan(payouts);
  const money = new Map<string, PlanMoney>();
  const moneyOf = (planId: string) => money.get(planId) ?? money.set(planId, planMoney(payouts, planId, carries)).get(planId)!;
  const paid = payouts.filter((r) => r.status === 'paid' && deliveredOf(r) > 0n);
  return paid
    .map((row): Statement => {
      const referrer = referrerOf.get(row.user);
      const exact = row.paidAt !== undefined;
      const when = row.paidAt ?? estimateBlockTime(row.blockNumber ?? row.toBlock, snapshots) ?? new Date(0);
      const carriedIn = carries.get(row.planId)?.get(nameKey(row.user)) ?? 0n;
      const earned = row.amount > carriedIn ? row.amount - carriedIn : 0n;
      const delivered = deliveredOf(row);
      return {
        user: row.user,
        planId: row.planId,
        fromBlock: row.fromBlock,
        toBlock: row.toBlock,
        money: moneyOf(row.planId),
        address: row.address,
        basePpb: row.basePpb,
        earned,
        carriedIn,
        sharePpb: row.pool > 0n ? (earned * 1_000_000_000n) / row.pool : 0n,
        taxPaid: row.taxPaid,
        taxTo: row.taxPaid > 0n && referrer ? { name: referrer.referrer, taxPpm: referrer.taxPpm } : null,
        taxReceived: row.taxReceived,
        taxFrom: referrals
          .filter((r) => r.referrer === row.user)
          .flatMap((r) => {
            const theirs = payouts.find((p) => p.planId === row.planId && p.user === r.referee);
            return theirs && theirs.taxPaid > 0n ? [{ name: r.referee, taxPpm: r.taxPpm, amount: theirs.taxPaid }] : [];
          }),
        amount: row.amount,
        delivered,
        assets: deliveredAssets(row, stakeOf(row.planId, row.user)),
        extrinsicHash: row.extrinsicHash,
        blockNumber: row.blockNumber,
        blockHash: row.blockHash,
        paidAt: when,
        paidAtExact: exact,
        usdPrice: row.usdPrice ?? null,
        usdCents: row.usdPrice === undefined ? null : usdCents(delivered, row.usdPrice),
        note: row.note,
      };
    })
    .sort((a, b) => a.toBlock - b.toBlock || (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

/**
 * A file name for any user name or plan id: the safe characters kept, and a short hash of the original whenever
 * anything had to change, so two names never share a file and no name can reach outside the folder.
 */
export function fileSlug(text: string): string {
  const safe = text.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '').slice(0, 60);
  return safe === text && safe !== '' ? safe : `${safe || 'user'}-${createHash('sha256').update(text).digest('hex').slice(0, 8)}`;
}
