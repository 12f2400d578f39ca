/**
 * A price as an exact fraction, so TAO valuation is integer arithmetic: multiply first, divide once, floor (as the
 * runtime truncates). Shares are valued in the runtime's own formats (chain/sharePool.ts).
 */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/** Alpha valued in TAO at a price given as TAO per alpha, floored. */
export function alphaToTao(alpha: bigint, price: Fraction): bigint {
  if (price.den === 0n) return 0n;
  return (alpha * price.num) / price.den;
}
