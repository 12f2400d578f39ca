import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Enclosed } from '../../src/domain/enclosed.js';
import { FractionColumns } from '../../src/domain/fractionColumns.js';

describe('FractionColumns', () => {
  it('sums fractions exactly over the product of the denominators', () => {
    // column 0: 1/3 + 1/6 = 1/2; column 1: 0/3 + 2/6 = 1/3
    const sums = new FractionColumns(2);
    sums.add(3n, [1n, 0n]);
    sums.add(6n, [1n, 2n]);
    expect(sums.commonDenominator()).toBe(18n);
    expect([sums.exactNumerator(0), sums.exactNumerator(1)]).toEqual([9n, 6n]);
  });

  it('terms with the same denominator are one term, also beyond 64 bits', () => {
    const sums = new FractionColumns(2);
    for (let i = 0; i < 3; i++) sums.add(7n, [1n << 63n, 1n]);
    expect(sums.terms).toBe(1);
    expect(sums.commonDenominator()).toBe(7n);
    expect([sums.exactNumerator(0), sums.exactNumerator(1)]).toEqual([3n << 63n, 3n]);
  });

  it('columns with the same cells get the same exact value, and a column added to afterwards its new one', () => {
    const sums = new FractionColumns(3);
    sums.add(5n, [2n, 2n, 1n]);
    sums.add(11n, [3n, 3n, 3n]);
    expect(sums.exactNumerator(0)).toBe(2n * 11n + 3n * 5n);
    expect(sums.exactNumerator(1)).toBe(2n * 11n + 3n * 5n);
    expect(sums.exactNumerator(2)).toBe(11n + 3n * 5n);
    sums.add(13n, [0n, 1n, 0n]);
    expect(sums.exactNumerator(1)).toBe((2n * 11n + 3n * 5n) * 13n + 5n * 11n);
  });

  it('the bounds enclose the exact value: low ≤ value · 2^shift ≤ low + width', () => {
    const terms = fc.array(fc.tuple(fc.bigInt({ min: 1n, max: 1n << 70n }), fc.array(fc.bigInt({ min: 0n, max: 1n << 66n }), { minLength: 3, maxLength: 3 })), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(terms, (list) => {
        const sums = new FractionColumns(3);
        for (const [denominator, values] of list) sums.add(denominator, values);
        const { shift, low, width } = sums.bounds();
        const q = sums.commonDenominator();
        for (let c = 0; c < 3; c++) {
          const scaled = sums.exactNumerator(c) << shift; // value · 2^shift · q
          expect(low[c]! * q <= scaled && scaled <= (low[c]! + width[c]!) * q).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('refuses what is not a sum of nonnegative fractions', () => {
    const sums = new FractionColumns(1);
    expect(() => sums.add(0n, [1n])).toThrow(/denominator/);
    expect(() => sums.add(3n, [-1n])).toThrow(/negative/);
    expect(() => sums.add(3n, [1n, 2n])).toThrow(/2 values for 1 columns/);
  });
});

describe('Enclosed', () => {
  const never = () => {
    throw new Error('the exact value was not needed');
  };

  it('takes the floor from the bounds when they agree, and from the exact value when they do not', () => {
    expect(new Enclosed(10n, 11n, 4n, never).floor()).toBe(2n); // 2.5 .. 2.75
    expect(new Enclosed(7n, 9n, 4n, () => ({ num: 8n, den: 4n })).floor()).toBe(2n); // 1.75 .. 2.25, exactly 2
    expect(new Enclosed(7n, 9n, 4n, () => ({ num: 15n, den: 8n })).floor()).toBe(1n); // exactly 1.875
  });

  it('compares fractional parts by the bounds, or exactly where they overlap', () => {
    const third = new Enclosed(13n, 14n, 3n, never); // 4.33 .. 4.67
    const tenth = new Enclosed(21n, 22n, 10n, never); // 2.1 .. 2.2
    expect(Enclosed.compareFractionalParts(third, tenth)).toBe(1);
    expect(Enclosed.compareFractionalParts(tenth, third)).toBe(-1);
    // 2.5 and 0.5, each known only to ±0.01: the bounds overlap, the exact fractional parts tie
    const a = new Enclosed(249n, 251n, 100n, () => ({ num: 5n, den: 2n }));
    const b = new Enclosed(49n, 51n, 100n, () => ({ num: 1n, den: 2n }));
    expect(Enclosed.compareFractionalParts(a, b)).toBe(0);
    const c = new Enclosed(49n, 51n, 100n, () => ({ num: 51n, den: 100n }));
    expect(Enclosed.compareFractionalParts(a, c)).toBe(-1);
  });
});
