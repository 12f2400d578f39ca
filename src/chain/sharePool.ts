/**
 * A coldkey's alpha as subtensor's share pool values it (`SharePool::get_value`), step by step in the runtime's own
 * number formats, so a snapshot read from storage equals what the runtime reports to the RAO. The exact rational
 * `shares × pool / total shares` is up to one RAO higher: the runtime truncates at each fixed-point step.
 *
 * Read in subtensor's `primitives/share-pool`: the U64F64 pool of mid-2025 runtimes (`get_value`: value per share =
 * pool / denominator, times the share, each truncated, then to u64), and the SafeFloat pool of 2026 runtimes
 * (`safe_float.rs`: `mul_div`, `normalize`, `From<U64F64>`, `From<&SafeFloat> for u64`).
 */

const U128_MAX = (1n << 128n) - 1n;
const U64_MAX = (1n << 64n) - 1n;

/** U64F64 `get_value(shares)` for a pool of `sharedValue` alpha: all three in the runtime's bits (value × 2^64). */
export function u64f64Value(sharedValue: bigint, shareBits: bigint, denominatorBits: bigint): bigint {
  const sharedBits = sharedValue << 64n;
  let valueBits: bigint;
  // checked_div: none on a zero denominator or when the quotient does not fit 128 bits.
  const perShare = denominatorBits === 0n ? null : (sharedBits << 64n) / denominatorBits;
  if (perShare !== null && perShare <= U128_MAX) {
    valueBits = min((perShare * shareBits) >> 64n, U128_MAX);
  } else {
    const product = min((sharedBits * shareBits) >> 64n, U128_MAX);
    const quotient = denominatorBits === 0n ? null : (product << 64n) / denominatorBits;
    valueBits = quotient === null || quotient > U128_MAX ? 0n : quotient;
  }
  return min(valueBits >> 64n, U64_MAX);
}

/** subtensor's SafeFloat: `mantissa × 10^exponent`, mantissa normalized into (10^20, 10^21] unless zero. */
export interface SafeFloat {
  mantissa: bigint;
  exponent: bigint;
}

const MAX_MANTISSA = 10n ** 21n;
const MIN_MANTISSA = MAX_MANTISSA / 10n;
const MAX_EXP = 21n;
const ZERO: SafeFloat = { mantissa: 0n, exponent: 0n };

function normalize(mantissa: bigint, exponent: bigint): SafeFloat {
  if (mantissa === 0n) return ZERO;
  let m = mantissa;
  let e = exponent;
  while (m > MAX_MANTISSA) {
    m /= 10n;
    e += 1n;
  }
  while (m <= MIN_MANTISSA) {
    m *= 10n;
    e -= 1n;
  }
  return { mantissa: m, exponent: e };
}

/** `10^e` capped at 10^22, as the runtime aligns exponents. */
function cappedPow10(e: bigint): bigint {
  return e > MAX_EXP + 1n ? MAX_MANTISSA * 10n : 10n ** e;
}

function fromInteger(value: bigint): SafeFloat {
  return value > MAX_MANTISSA ? ZERO : normalize(value, 0n);
}

function div(a: SafeFloat, b: SafeFloat): SafeFloat {
  if (b.mantissa === 0n) return ZERO;
  return normalize((a.mantissa * MAX_MANTISSA) / b.mantissa, a.exponent - b.exponent - MAX_EXP);
}

function add(a: SafeFloat, b: SafeFloat): SafeFloat {
  if (a.mantissa === 0n) return b;
  if (b.mantissa === 0n) return a;
  if (a.exponent >= b.exponent) return normalize(a.mantissa + b.mantissa / cappedPow10(a.exponent - b.exponent), a.exponent);
  return normalize(a.mantissa / cappedPow10(b.exponent - a.exponent) + b.mantissa, b.exponent);
}

function mulDiv(a: SafeFloat, b: SafeFloat, c: SafeFloat): SafeFloat | null {
  if (c.mantissa === 0n) return null;
  return normalize((a.mantissa * b.mantissa) / c.mantissa, a.exponent + b.exponent - c.exponent);
}

function toU64(value: SafeFloat): bigint {
  if (value.exponent === 0n) return min(value.mantissa, U64_MAX);
  const scale = cappedPow10(value.exponent < 0n ? -value.exponent : value.exponent);
  return min(value.exponent > 0n ? value.mantissa * scale : value.mantissa / scale, U64_MAX);
}

/** The runtime's `SafeFloat::from(U64F64)`: a v1 share read on a 2026 runtime (integer part + fraction / 2^64). */
export function safeFloatFromU64F64(bits: bigint): SafeFloat {
  if (bits === 0n) return ZERO;
  const fraction = div(fromInteger(bits & U64_MAX), fromInteger(1n << 64n));
  return add(fromInteger(bits >> 64n), fraction);
}

/** A stored SafeFloat (`AlphaV2`, `TotalHotkeySharesV2`), normalized as the runtime keeps it. */
export function safeFloat(mantissa: bigint, exponent: bigint): SafeFloat {
  return normalize(mantissa, exponent);
}

/** SafeFloat `get_value(shares)`: pool × share / denominator in SafeFloat, then to u64; 0 where the runtime gives 0. */
export function safeFloatValue(sharedValue: bigint, share: SafeFloat, denominator: SafeFloat): bigint {
  const result = mulDiv(fromInteger(sharedValue), share, denominator);
  return result ? toU64(result) : 0n;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
