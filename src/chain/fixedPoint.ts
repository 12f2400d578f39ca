/**
 * subtensor's share and price encodings as exact fractions, so stake valuation is integer arithmetic end to end:
 * multiply first, divide once at the end, floor (as the runtime truncates).
 */
export interface Fraction {
  num: bigint;
  den: bigint;
}

const TWO_POW_64 = 1n << 64n;

/** U64F64 is stored as `{ bits: u128 }` = value * 2^64. */
export function fromU64F64(bits: bigint): Fraction {
  return { num: bits, den: TWO_POW_64 };
}

/** SafeFloat (2026 runtimes, `AlphaV2`/`TotalHotkeySharesV2`) is `mantissa * 10^exponent`. */
export function fromSafeFloat(mantissa: bigint, exponent: bigint): Fraction {
  return exponent >= 0n ? { num: mantissa * 10n ** exponent, den: 1n } : { num: mantissa, den: 10n ** -exponent };
}

export const ONE: Fraction = { num: 1n, den: 1n };

/** A coldkey's alpha from its shares: shares * totalAlpha / totalShares, floored; 0 when the pool has no shares. */
export function sharesToAlpha(shares: Fraction, totalAlpha: bigint, totalShares: Fraction): bigint {
  if (shares.num === 0n || totalShares.num === 0n) return 0n;
  return (shares.num * totalAlpha * totalShares.den) / (shares.den * totalShares.num);
}

/** Alpha valued in TAO at a price given as TAO per alpha, floored. */
export function alphaToTao(alpha: bigint, price: Fraction): bigint {
  if (price.den === 0n) return 0n;
  return (alpha * price.num) / price.den;
}
