import { describe, expect, it } from 'vitest';
import { reconcile, subnetSums } from '../../src/domain/reconcile.js';

const stake = (rows: Array<[string, number, bigint]>) => {
  const m = new Map<string, Map<number, bigint>>();
  for (const [ck, netuid, amount] of rows) {
    if (!m.has(ck)) m.set(ck, new Map());
    m.get(ck)!.set(netuid, amount);
  }
  return m;
};

describe('reconcile: a read against the runtime’s own totals', () => {
  const read = stake([
    ['a', 0, 100n],
    ['b', 0, 50n],
    ['a', 1, 7n],
    ['c', 1, 3n],
    ['d', 1, 0n],
  ]);

  it('sums per subnet and counts the coldkeys holding stake', () => {
    expect(subnetSums(read)).toEqual(new Map([[0, { sum: 150n, holders: 2 }], [1, { sum: 10n, holders: 2 }]]));
  });

  // | rounding  | subnet 0 total | subnet 1 total | holders on 1 | verdict                       |
  const table: Array<[string, 'exact' | 'perHolder', bigint, bigint, number | undefined, number[]]> = [
    ['exact sums', 'exact', 150n, 10n, undefined, []],
    ['legacy off by one RAO', 'exact', 151n, 10n, undefined, [0]],
    ['share pool 1 RAO short with 2 holders', 'perHolder', 150n, 11n, undefined, []],
    // One rule: each holder loses at most one RAO, so N holders explain a shortfall of up to N RAO (spec 300 reported
    // 5 RAO short with 5 coldkeys, which the old `shortfall < holders` refused).
    ['share pool 2 RAO short with 2 holders: one RAO each', 'perHolder', 150n, 12n, undefined, []],
    ['share pool 3 RAO short with 2 holders: more than rounding can lose', 'perHolder', 150n, 13n, undefined, [1]],
    ['share pool 3 RAO short with 3 holders (one floored to 0)', 'perHolder', 150n, 13n, 3, []],
    ['share pool 5 RAO short with 5 holders', 'perHolder', 150n, 15n, 5, []],
    ['a read above the total is never rounding', 'perHolder', 149n, 10n, undefined, [0]],
  ];
  it.each(table)('%s', (_, rounding, t0, t1, holders1, failing) => {
    const mismatches = reconcile(read, new Map([[0, t0], [1, t1]]), rounding, holders1 === undefined ? undefined : new Map([[0, 2], [1, holders1]]));
    expect(mismatches.map((m) => m.netuid)).toEqual(failing);
  });

  it('a subnet only the totals know is read as zero and fails', () => {
    expect(reconcile(read, new Map([[0, 150n], [1, 10n], [3, 6n]]), 'perHolder')).toEqual([{ netuid: 3, read: 0n, total: 6n, allowed: 0n }]);
  });

  it('nothing read and nothing in the totals reconciles (a delegate without stake)', () => {
    expect(reconcile(new Map(), new Map(), 'perHolder')).toEqual([]);
  });
});
