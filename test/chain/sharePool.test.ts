import { describe, expect, it } from 'vitest';
import { safeFloat, safeFloatFromU64F64, safeFloatValue, u64f64Value } from '../../src/chain/sharePool.js';

const ONE = 1n << 64n;

describe('share pool valuation as the runtime computes it', () => {
  it('U64F64 (mid-2025 runtimes): truncates value per share, then the product, then to u64', () => {
    // 1/3 of 1,000,000,001 alpha: exact is 333,333,333.67 → 333,333,333 either way.
    expect(u64f64Value(1_000_000_001n, ONE, 3n * ONE)).toBe(333_333_333n);
    // A pool of 4,559.5 alpha split 1:1 between two holders: exact 2,279.75 alpha each; the truncated value per share
    // (pool / 2 total shares) loses nothing here.
    expect(u64f64Value(4_559_500_000_000n, ONE, 2n * ONE)).toBe(2_279_750_000_000n);
    // All 3 shares of a pool of 10 RAO: the value per share 10/3 is truncated to 64 fractional bits, times 3 it is
    // just below 10 and floors to 9 where the exact rational is 10. This is the one RAO the runtime's get_delegate
    // reports below shares × pool / total shares.
    expect(u64f64Value(10n, 3n * ONE, 3n * ONE)).toBe(9n);
    expect((3n * ONE * 10n) / (3n * ONE)).toBe(10n);
    expect(u64f64Value(7n, 0n, 10n * ONE)).toBe(0n);
    expect(u64f64Value(7n, ONE, 0n)).toBe(0n);
  });

  it('SafeFloat (2026 runtimes): normalized mantissa × 10^exponent, mul_div then to u64', () => {
    expect(safeFloat(25n, -1n)).toEqual({ mantissa: 250_000_000_000_000_000_000n, exponent: -20n });
    // 2.5 shares of a 10-share pool holding 1,000 alpha → 250.
    expect(safeFloatValue(1000n, safeFloat(25n, -1n), safeFloat(10n, 0n))).toBe(250n);
    // 1/3 of 3 RAO: SafeFloat keeps 21 digits, 1 × 3 / 3 is exact → 1 (the U64F64 pool gives 0 here).
    expect(safeFloatValue(3n, safeFloat(1n, 0n), safeFloat(3n, 0n))).toBe(1n);
    // 1/3 of 10 RAO → 3.333… → 3.
    expect(safeFloatValue(10n, safeFloat(1n, 0n), safeFloat(3n, 0n))).toBe(3n);
    expect(safeFloatValue(10n, safeFloat(1n, 0n), safeFloat(0n, 0n))).toBe(0n);
  });

  it('a v1 U64F64 share read on a 2026 runtime converts as SafeFloat::from(U64F64) does', () => {
    expect(safeFloatFromU64F64(3n * ONE)).toEqual(safeFloat(3n, 0n));
    expect(safeFloatFromU64F64(ONE / 2n)).toEqual(safeFloat(5n, -1n));
    expect(safeFloatFromU64F64(0n)).toEqual({ mantissa: 0n, exponent: 0n });
    // 1.5 shares of 3 (as v1 bits) in a pool of 9 alpha → 4.5 → 4.
    expect(safeFloatValue(9n, safeFloatFromU64F64(ONE + ONE / 2n), safeFloatFromU64F64(3n * ONE))).toBe(4n);
  });
});
