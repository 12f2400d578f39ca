import type { AlphaPart } from './stakePayout.js';
import type { Rao } from './types.js';

/** One asset a payment delivered: TAO, or a subnet's alpha (named `SN1` etc., as TaoStats and tax tools name them). */
export interface DeliveredAsset {
  /** `TAO`, or `SN<netuid>` for a subnet's alpha. Root stake (netuid 0) is TAO. */
  asset: string;
  /** What arrived, in RAO of that asset (9 decimals). */
  amount: bigint;
  /** Its value in TAO at the price it was paid at. */
  tao: Rao;
}

/** What a stake payment sent (from the send log) and, where the log kept it, the alpha each subnet's event showed. */
export interface StakePayment {
  /** The part paid as a plain transfer (below the runtime's minimum stake move). */
  tao: Rao;
  parts: readonly AlphaPart[];
  /** Alpha received per netuid, from the block's `StakeAdded` events; null in logs written before it was kept. */
  received: ReadonlyMap<number, bigint> | null;
}

export function assetName(netuid: number): string {
  return netuid === 0 ? 'TAO' : `SN${netuid}`;
}

/**
 * The assets one paid row delivered, from what the chain showed: a TAO payment is its delivered TAO; a stake payment is
 * its TAO part plus each subnet's alpha as it arrived (root's as TAO), each valued as `confirm` valued it (a part that
 * arrived whole is worth its planned TAO; one that arrived short, that TAO in proportion). The values add up to the
 * row's `delivered`.
 *
 * An older send log does not say which subnet fell short: then the shortfall is shared over the alpha parts in
 * proportion to their planned TAO, so the totals match what the chain delivered (to within the rounding of each part).
 */
export function deliveredAssets(row: { amount: Rao; delivered: Rao | null }, stake: StakePayment | null): DeliveredAsset[] {
  const delivered = row.delivered ?? row.amount;
  if (stake === null || stake.parts.length === 0) return delivered > 0n ? [{ asset: 'TAO', amount: delivered, tao: delivered }] : [];
  const alphaTao = stake.parts.reduce((sum, p) => sum + p.tao, 0n);
  // Without recorded events: what of the alpha parts' planned TAO arrived, shared out in proportion.
  const arrivedOfAlpha = delivered - stake.tao;
  const received = (part: AlphaPart): bigint => {
    const seen = stake.received?.get(part.netuid);
    if (seen !== undefined) return seen;
    if (arrivedOfAlpha >= alphaTao || alphaTao === 0n) return part.alpha;
    return (part.alpha * arrivedOfAlpha) / alphaTao;
  };
  const assets = new Map<string, DeliveredAsset>();
  const add = (asset: string, amount: bigint, tao: Rao) => {
    const had = assets.get(asset);
    assets.set(asset, { asset, amount: (had?.amount ?? 0n) + amount, tao: (had?.tao ?? 0n) + tao });
  };
  if (stake.tao > 0n) add('TAO', stake.tao, stake.tao);
  for (const part of stake.parts) {
    const got = received(part);
    const value = got >= part.alpha ? part.tao : (part.tao * got) / part.alpha;
    // Root alpha is TAO one to one: its value is what arrived.
    add(assetName(part.netuid), got, part.netuid === 0 ? got : value);
  }
  return [...assets.values()].filter((a) => a.amount > 0n);
}
