import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { PeriodShares, userGroups, type PeriodSnapshot } from '../../src/domain/periodShares.js';
import type { User } from '../../src/domain/types.js';

// plan reads a period as one array of stakes per snapshot, in PeriodShares' own coldkey order (addStakes); tests and
// older callers give a map per snapshot (add). Both must be the same exact fractions, the Settings rule included.

const users: User[] = [
  { name: 'bob', addresses: ['B1', 'B2'], row: 4 },
  { name: 'alice', addresses: ['A'], row: 3 },
  { name: 'carol', addresses: ['C1', 'C2', 'C3'], row: 5 },
];
const coldkeys = ['A', 'B1', 'B2', 'C1', 'C2', 'C3'];

describe('PeriodShares read as arrays (addStakes) and as maps (add)', () => {
  it('orders its coldkeys by user name, each once, and refuses an array of the wrong length', () => {
    const shares = new PeriodShares([...users, { name: 'dave', addresses: ['D', 'D'], row: 6 }]);
    expect(shares.coldkeys).toEqual(['A', 'B1', 'B2', 'C1', 'C2', 'C3', 'D']);
    expect(() => shares.addStakes(300, 10n, [1n, 2n])).toThrow(/2 stakes for 7 coldkeys/);
  });

  it('counts a coldkey from the block the rule gives it, and returns the users stake counted (hand-computed)', () => {
    // C2 counts from block 600: at 300 carol holds C1 only.
    const shares = new PeriodShares(users, new Map([['C2', 600]]));
    //                         A   B1  B2  C1  C2  C3
    expect(shares.addStakes(300, 100n, [10n, 5n, 5n, 20n, 30n, 0n])).toBe(40n);
    expect(shares.addStakes(600, 100n, [10n, 5n, 5n, 20n, 30n, 0n])).toBe(70n);
    // A snapshot with no nominator stake is left out of the mean but its users' stake is still told.
    expect(shares.addStakes(900, 0n, [1n, 0n, 0n, 0n, 0n, 0n])).toBe(1n);
    expect(shares.counted).toBe(2);
    expect(shares.skipped).toEqual([900]);
    // carol: (20/100 + 50/100) / 2 = 35 %; all users: (40/100 + 70/100) / 2 = 55 %
    const carol = shares.share(1000n, [{ user: 'carol', coefficient: 1n }], 1n).exact();
    expect(carol.num).toBe(carol.den * 350n);
    const all = shares.total(1000n).exact();
    expect(all.num).toBe(all.den * 550n);
  });

  it('groups the coldkeys by user and takes a user\'s stake as one sum from the block every coldkey counts', () => {
    const shares = new PeriodShares(users, new Map([['C2', 600]]));
    expect(shares.groups).toEqual([['A'], ['B1', 'B2'], ['C1', 'C2', 'C3']]);
    expect(shares.wholeFrom).toBe(600);
    expect(() => shares.addUserStakes(300, 100n, [10n, 10n, 50n])).toThrow(/not every coldkey counts yet/);
    const byColdkey = new PeriodShares(users, new Map([['C2', 600]]));
    expect(shares.addUserStakes(600, 100n, [10n, 10n, 50n])).toBe(70n);
    expect(byColdkey.addStakes(600, 100n, [10n, 5n, 5n, 20n, 30n, 0n])).toBe(70n);
    for (const user of ['alice', 'bob', 'carol']) {
      const form = [{ user, coefficient: 1n }];
      expect(shares.share(1n, form, 1n).exact()).toEqual(byColdkey.share(1n, form, 1n).exact());
    }
  });

  it('gives the same exact shares as the map form for any period and rule', () => {
    const stake = fc.bigInt({ min: 0n, max: 1n << 60n });
    const snapshot = fc.record({ stakes: fc.array(stake, { minLength: 6, maxLength: 6 }), outsiders: stake });
    const from = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 6, maxLength: 6 });
    fc.assert(
      fc.property(fc.array(snapshot, { minLength: 1, maxLength: 12 }), from, (period, froms) => {
        const countFrom = new Map(coldkeys.map((c, i) => [c, froms[i]! * 100]));
        const byArray = new PeriodShares(users, countFrom);
        const byMap = new PeriodShares(users, countFrom);
        period.forEach((s, i) => {
          const block = (i + 1) * 100;
          const nominatorStake = s.stakes.reduce((a, b) => a + b, 0n) + s.outsiders;
          const asMap: PeriodSnapshot = { block, nominatorStake, stakeByColdkey: new Map([...coldkeys.map((c, j) => [c, s.stakes[j]!] as const), ['X', s.outsiders]]) };
          byMap.add(asMap);
          byArray.addStakes(block, nominatorStake, byArray.coldkeys.map((c) => s.stakes[coldkeys.indexOf(c)]!));
        });
        expect(byArray.counted).toBe(byMap.counted);
        if (byMap.counted === 0) return;
        for (const user of ['alice', 'bob', 'carol']) {
          const form = [{ user, coefficient: 1n }];
          expect(byArray.share(7n, form, 3n).exact()).toEqual(byMap.share(7n, form, 3n).exact());
        }
        expect(byArray.total(5n).exact()).toEqual(byMap.total(5n).exact());
      }),
      { numRuns: 200 },
    );
  });
});

test('userGroups: the groups PeriodShares forms, or null while Users has what plan refuses', () => {
  expect(userGroups(users)).toEqual([['A'], ['B1', 'B2'], ['C1', 'C2', 'C3']]);
  expect(userGroups([...users, { name: 'dave', addresses: ['B2'], row: 6 }])).toBeNull();
});
