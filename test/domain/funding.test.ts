import { describe, expect, it } from 'vitest';
import { chooseUnstakes, fundingNeed, PRICE_SCALE } from '../../src/domain/funding.js';

const TAO = 1_000_000_000n;
const terms = { slippagePpm: 5_000n, feePpm: new Map([[1, 500n]]) };
// subnet 1: 1 alpha = 0.4 TAO; subnet 2: 1 alpha = 2 TAO
const prices = [
  { netuid: 0, num: 1n, den: 1n },
  { netuid: 1, num: 2n, den: 5n },
  { netuid: 2, num: 2n, den: 1n },
];

describe('chooseUnstakes', () => {
  it('takes root first, exactly, and touches nothing else when root covers the target', () => {
    const stakes = [{ netuid: 1, alpha: 100n * TAO, tao: 40n * TAO }, { netuid: 0, alpha: 5n * TAO, tao: 5n * TAO }];
    const choice = chooseUnstakes(3n * TAO, stakes, prices, terms);
    expect(choice.unstakes).toEqual([{ netuid: 0, alpha: 3n * TAO, expected: 3n * TAO, guaranteed: 3n * TAO, limitPrice: PRICE_SCALE }]);
  });

  it('then the subnets by value, largest first, with alpha whose worst case (limit price, swap fee) covers the rest', () => {
    const stakes = [
      { netuid: 1, alpha: 100n * TAO, tao: 40n * TAO },
      { netuid: 2, alpha: 10n * TAO, tao: 20n * TAO },
      { netuid: 0, alpha: 5n * TAO, tao: 5n * TAO },
    ];
    const choice = chooseUnstakes(30n * TAO, stakes, prices, terms);
    expect(choice.unstakes.map((u) => u.netuid)).toEqual([0, 1]);
    const sub1 = choice.unstakes[1]!;
    expect(sub1.limitPrice).toBe((400_000_000n * 995_000n) / 1_000_000n);
    expect(sub1.guaranteed).toBeGreaterThanOrEqual(25n * TAO);
    // one RAO of alpha less would not be guaranteed to cover it: the least alpha
    expect((((sub1.alpha - 1n) * 999_500n) / 1_000_000n) * sub1.limitPrice / PRICE_SCALE).toBeLessThan(25n * TAO);
    expect(sub1.expected).toBeGreaterThan(sub1.guaranteed);
    expect(choice.unstakes.reduce((s, u) => s + u.guaranteed, 0n)).toBeGreaterThanOrEqual(30n * TAO);
  });

  it('sells a subnet in full before the next, and reports what the whole take could bring when it is not enough', () => {
    const stakes = [{ netuid: 0, alpha: 1n * TAO, tao: 1n * TAO }, { netuid: 2, alpha: 1n * TAO, tao: 2n * TAO }];
    const choice = chooseUnstakes(10n * TAO, stakes, prices, terms);
    expect(choice.unstakes.map((u) => [u.netuid, u.alpha])).toEqual([[0, TAO], [2, TAO]]);
    expect(choice.available).toBe(TAO + (2n * TAO * 995_000n) / 1_000_000n);
    expect(choice.available).toBeLessThan(10n * TAO);
  });

  it('needs nothing when the payout coldkey already holds the payouts, fees and existential deposit', () => {
    expect(fundingNeed(10n, 2n, 500n, 512n)).toBe(0n);
    expect(fundingNeed(10n * TAO, 2n, 500n, 3n * TAO)).toBe(7n * TAO + 502n);
  });
});
