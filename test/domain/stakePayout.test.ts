import { describe, expect, it } from 'vitest';
import { alphaBySubnet, describePayments, splitIntoAlpha, stakeParts } from '../../src/domain/stakePayout.js';
import type { SubnetPrice, SubnetStake } from '../../src/domain/types.js';

// The owner holds 100 TAO-worth on root, 200 alpha of subnet 1 at 0.5 TAO each, 50 alpha of subnet 3 at 6 TAO each:
// 100 + 100 + 300 = 500 TAO-units of value (RAO units throughout).
const owned: SubnetStake[] = [
  { netuid: 0, alpha: 100n, tao: 100n },
  { netuid: 1, alpha: 200n, tao: 100n },
  { netuid: 3, alpha: 50n, tao: 300n },
];
const prices: SubnetPrice[] = [
  { netuid: 0, num: 1n, den: 1n },
  { netuid: 1, num: 1n, den: 2n },
  { netuid: 3, num: 6n, den: 1n },
];

describe('splitIntoAlpha', () => {
  it('splits in proportion to the owner’s TAO value per subnet and converts at each price', () => {
    // 1000 × 100/500 = 200, 200, 1000 × 300/500 = 600; alpha 200, 200 × 2 = 400, 600 / 6 = 100
    expect(splitIntoAlpha(1000n, owned, prices)).toEqual([
      { netuid: 0, tao: 200n, alpha: 200n },
      { netuid: 1, tao: 200n, alpha: 400n },
      { netuid: 3, tao: 600n, alpha: 100n },
    ]);
  });

  it('gives the leftover unit to the largest remainder (ties by netuid) and drops a part worth no alpha', () => {
    // 7 × 100/500 = 1.4, 1.4; 7 × 300/500 = 4.2 → floors 1, 1, 4; the leftover unit goes to subnet 0 (tie with 1).
    // Subnet 3's 4 RAO buy floor(4/6) = 0 alpha, so it is left out rather than sent as a zero transfer.
    expect(splitIntoAlpha(7n, owned, prices)).toEqual([
      { netuid: 0, tao: 2n, alpha: 2n },
      { netuid: 1, tao: 1n, alpha: 2n },
    ]);
  });

  it('ignores subnets where the owner has no value and pays nothing from nothing', () => {
    const withEmpty = [...owned, { netuid: 9, alpha: 0n, tao: 0n }];
    expect(splitIntoAlpha(1000n, withEmpty, prices).map((p) => p.netuid)).toEqual([0, 1, 3]);
    expect(splitIntoAlpha(0n, owned, prices)).toEqual([]);
    expect(splitIntoAlpha(1000n, [], prices)).toEqual([]);
  });

  it('TAO parts add up to the amount less any dropped part and alpha never exceeds the part’s value', () => {
    for (const amount of [1n, 2n, 3n, 499n, 500n, 501n, 123_456_789n]) {
      const parts = splitIntoAlpha(amount, owned, prices);
      const taoSum = owned.reduce((s, o) => s + (parts.find((p) => p.netuid === o.netuid)?.tao ?? 0n), 0n);
      // a dropped part (0 alpha) is below one alpha's price, so the TAO not sent is less than the largest price
      expect(taoSum).toBeLessThanOrEqual(amount);
      expect(amount - taoSum).toBeLessThan(6n);
      for (const p of parts) {
        const price = prices.find((x) => x.netuid === p.netuid)!;
        expect((p.alpha * price.num) / price.den).toBeLessThanOrEqual(p.tao);
      }
    }
  });

  it('alphaBySubnet sums what each subnet must cover', () => {
    const sums = alphaBySubnet([splitIntoAlpha(1000n, owned, prices), splitIntoAlpha(7n, owned, prices)]);
    expect([...sums]).toEqual([[0, 202n], [1, 402n], [3, 100n]]);
  });
});

describe('stakeParts: every stake move at or above the runtime’s minimum', () => {
  it('without a known minimum it is the plain split', () => {
    expect(stakeParts(1000n, owned, prices, null)).toEqual({ parts: splitIntoAlpha(1000n, owned, prices), tao: 0n });
  });

  it('merges the parts below the minimum onto the subnet where the owner holds the most (subnet 3)', () => {
    // 1000 → 200 (root), 200 (subnet 1), 600 (subnet 3); minimum 250: root and subnet 1 join subnet 3's part,
    // 1000 TAO-units there at 6 TAO per alpha = 166 alpha.
    expect(stakeParts(1000n, owned, prices, 250n)).toEqual({ parts: [{ netuid: 3, tao: 1000n, alpha: 166n }], tao: 0n });
  });

  it('keeps the parts at or above the minimum where they are', () => {
    // minimum 200: root's and subnet 1's parts are exactly 200 and stay; nothing merges.
    expect(stakeParts(1000n, owned, prices, 200n)).toEqual({ parts: splitIntoAlpha(1000n, owned, prices), tao: 0n });
  });

  it('pays as TAO an amount too small for any stake move', () => {
    expect(stakeParts(240n, owned, prices, 250n)).toEqual({ parts: [], tao: 240n });
  });
});

describe('describePayments (the dry run summary of one batch)', () => {
  const part = (netuid: number) => ({ netuid, tao: 1_000_000_000n, alpha: 2_000_000_000n });
  it('counts the stake moves of stake payments, not the payments as transfers', () => {
    const four = [1, 2, 3, 4].map(() => ({ amount: 2_000_000_000n, parts: [part(0), part(1)], tao: 0n }));
    expect(describePayments(four)).toBe('4 payments as 8 stake moves, 8.000000000 TAO');
    expect(describePayments(four)).not.toMatch(/transfers/);
  });
  it('names the TAO transfer of a payment below the minimum stake move, and plain transfers as before', () => {
    expect(describePayments([{ amount: 3n, parts: [part(1)], tao: 0n }, { amount: 1n, parts: [], tao: 1n }])).toBe(
      '2 payments as 1 stake move + 1 transfer, 0.000000004 TAO',
    );
    expect(describePayments([{ amount: 1_000_000_000n }, { amount: 0n }, { amount: 0n }])).toBe('3 transfers, 1.000000000 TAO');
  });
});
