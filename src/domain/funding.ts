import type { Rao, SubnetPrice, SubnetStake } from './types.js';

/** Prices and limits in the runtime's unit: RAO of TAO per whole alpha (10^9 RAO of alpha), as `remove_stake_limit` takes them. */
export const PRICE_SCALE = 1_000_000_000n;
const MILLION = 1_000_000n;

/** One `remove_stake_limit` of the owner's alpha on one subnet. */
export interface Unstake {
  netuid: number;
  alpha: bigint;
  /** TAO this alpha brings at the current price, less the swap fee. */
  expected: Rao;
  /** The least TAO it can bring: the price limit, less the swap fee (below the limit the runtime refuses the swap). */
  guaranteed: Rao;
  /** RAO per alpha the runtime may not sell below (the current price less the slippage allowed; root: 1). */
  limitPrice: bigint;
}

export interface FundingChoice {
  unstakes: Unstake[];
  /** Everything the owner's take could bring at the price limits: short of the target means the take is not enough. */
  available: Rao;
}

export interface FundingTerms {
  /** Slippage allowed below the current price, parts per million. */
  slippagePpm: bigint;
  /** The swap fee on each subnet, parts per million (root and subnets without a fee: none). */
  feePpm: ReadonlyMap<number, bigint>;
}

/**
 * Which of the owner's alpha to unstake so that at least `target` TAO arrives whatever the price does within the
 * slippage allowed: root first (TAO 1:1, no swap), then the other subnets by TAO value, largest first, each sold in
 * full before the next is touched. Root is exact; elsewhere the alpha is the least whose worst case covers what is
 * still missing, so the owner keeps whatever the price gives above it.
 */
export function chooseUnstakes(target: Rao, stakes: readonly SubnetStake[], prices: readonly SubnetPrice[], terms: FundingTerms): FundingChoice {
  const order = [...stakes]
    .filter((s) => s.alpha > 0n)
    .sort((a, b) => (a.netuid === 0 ? -1 : b.netuid === 0 ? 1 : a.tao === b.tao ? a.netuid - b.netuid : a.tao > b.tao ? -1 : 1));
  const unstakes: Unstake[] = [];
  let available = 0n;
  let missing = target;
  for (const s of order) {
    const price = prices.find((p) => p.netuid === s.netuid) ?? (s.netuid === 0 ? { netuid: 0, num: 1n, den: 1n } : null);
    if (!price || price.num === 0n) continue;
    const subnet = subnetSums(s.netuid, price, terms);
    const all = subnet.guaranteed(s.alpha);
    available += all;
    if (missing <= 0n) continue;
    const alpha = all <= missing ? s.alpha : subnet.alphaFor(missing, s.alpha);
    const guaranteed = subnet.guaranteed(alpha);
    unstakes.push({ netuid: s.netuid, alpha, expected: subnet.expected(alpha), guaranteed, limitPrice: subnet.limitPrice });
    missing -= guaranteed;
  }
  return { unstakes, available };
}

/** One subnet's sums: what alpha brings at the price and at the limit, and the least alpha whose limit value covers an amount. */
function subnetSums(netuid: number, price: SubnetPrice, terms: FundingTerms) {
  const root = netuid === 0;
  const fee = root ? 0n : (terms.feePpm.get(netuid) ?? 0n);
  const slippage = root ? 0n : terms.slippagePpm;
  const priceScaled = (price.num * PRICE_SCALE) / price.den;
  const limitPrice = root ? PRICE_SCALE : (priceScaled * (MILLION - slippage)) / MILLION;
  const afterFee = (alpha: bigint) => (alpha * (MILLION - fee)) / MILLION;
  const guaranteed = (alpha: bigint) => (afterFee(alpha) * limitPrice) / PRICE_SCALE;
  return {
    limitPrice,
    guaranteed,
    expected: (alpha: bigint) => (afterFee(alpha) * price.num) / price.den,
    alphaFor(amount: Rao, most: bigint): bigint {
      // The exact inverse rounded up, then nudged: floors in guaranteed() can leave it a few RAO short.
      let alpha = limitPrice === 0n || fee >= MILLION ? most : ceil(ceil(amount * PRICE_SCALE, limitPrice) * MILLION, MILLION - fee);
      while (alpha < most && guaranteed(alpha) < amount) alpha += 1n;
      return alpha < most ? alpha : most;
    },
  };
}

function ceil(a: bigint, b: bigint): bigint {
  return (a + b - 1n) / b;
}

/**
 * What the payout coldkey lacks to pay the plan as `confirm` will check it: the payouts, confirm's fees and the
 * existential deposit it must keep, less its free balance (zero or less: nothing to fund).
 */
export function fundingNeed(payouts: Rao, fees: Rao, existentialDeposit: Rao, free: Rao): Rao {
  return payouts + fees + existentialDeposit - free;
}
