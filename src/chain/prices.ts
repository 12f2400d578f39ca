import type { ApiDecoration } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import type { SubnetPrice } from '../domain/types.js';
import { big } from './codec.js';
import type { StakeLayout } from './stakeLayout.js';
import type { Era } from './stakeSource.js';

/** `current_alpha_price` answers TAO per alpha scaled by 10^9. */
const PRICE_SCALE = 1_000_000_000n;

/**
 * Each subnet's alpha price at the block: the swap's own price where the runtime exposes it (pools may be weighted,
 * so reserves alone are exact only while both weights are equal), otherwise SubnetTAO / SubnetAlphaIn.
 * Root (netuid 0) and legacy stake are TAO already.
 */
export async function readPrices(api: ApiDecoration<'promise'>, netuids: number[], era: Era, layout: StakeLayout): Promise<SubnetPrice[]> {
  const subnets = netuids.filter((n) => n !== 0);
  const root: SubnetPrice[] = netuids.includes(0) ? [{ netuid: 0, num: 1n, den: 1n }] : [];
  if (era === 'legacy' || subnets.length === 0) return [...root, ...subnets.map((netuid) => ({ netuid, num: 1n, den: 1n }))];
  if (layout.alphaPrice) {
    const call = api.call.swapRuntimeApi!.currentAlphaPrice!;
    const prices = await Promise.all(subnets.map((n) => call(n)));
    return [...root, ...subnets.map((netuid, i) => ({ netuid, num: big(prices[i]), den: PRICE_SCALE }))];
  }
  const sm = api.query.subtensorModule!;
  const [tao, alphaIn] = await Promise.all([
    sm.subnetTAO!.multi(subnets) as Promise<Codec[]>,
    sm.subnetAlphaIn!.multi(subnets) as Promise<Codec[]>,
  ]);
  return [
    ...root,
    ...subnets.map((netuid, i) => {
      const den = big(alphaIn[i]);
      // An empty pool prices alpha at zero rather than dividing by zero.
      return den === 0n ? { netuid, num: 0n, den: 1n } : { netuid, num: big(tao[i]), den };
    }),
  ];
}
