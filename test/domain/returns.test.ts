import { describe, expect, it } from 'vitest';
import { annualise, annualisedOver, MIN_ANNUALISED_MS, poolReturns, YEAR_MS } from '../../src/domain/returns.js';
import type { SnapshotSummary } from '../../src/domain/types.js';

const HOUR = 3_600_000;
const snap = (block: number, hours: number, delegate: bigint, nominator: bigint): SnapshotSummary => ({
  block,
  blockHash: '0x',
  time: new Date(Date.UTC(2026, 0, 1) + hours * HOUR),
  totalStake: nominator + delegate,
  delegateStake: delegate,
  nominatorStake: nominator,
  nominators: 1,
  usersStake: nominator,
});

describe('annualise', () => {
  it('scales a gain over a duration to one year (365.25 days)', () => {
    // 1 on 100 over a day: 1 % a day, 365.25 % a year.
    expect(annualise(1n, 100n, 86_400_000)).toBeCloseTo(3.6525, 9);
    // 5 on 1000 over exactly one year: 0.5 %.
    expect(annualise(5n, 1000n, YEAR_MS)).toBe(0.005);
  });
  it('is undefined without principal or elapsed time', () => {
    expect(annualise(1n, 0n, HOUR)).toBeNull();
    expect(annualise(1n, 100n, 0)).toBeNull();
  });
  it('keeps precision for RAO-sized numbers far beyond 2^53', () => {
    // 0.001 TAO on 10 million TAO over an hour: 1e6 / 1e16 * 8766 = 8.766e-7
    expect(annualise(1_000_000n, 10_000_000n * 1_000_000_000n, HOUR)).toBeCloseTo(8.766e-7, 12);
  });
});

describe('poolReturns', () => {
  const DAY = 24;
  // day  block  pool D   nominators N
  //   0   100    1000     1_000_000
  //   3   400    1300     1_000_000   +300 over 3 days
  //   7   700    1700     1_000_000   +400 over 4 days
  //   8  1000     100     1_000_000   pool shrank (payout at 900): left out
  //  12  1300     500     2_000_000   +400 over 4 days on 1e6 (N at the start of each interval counts)
  //  15  1600     800     2_000_000   +300 over 3 days on 2e6
  const snapshots = [
    snap(100, 0, 1000n, 1_000_000n),
    snap(400, 3 * DAY, 1300n, 1_000_000n),
    snap(700, 7 * DAY, 1700n, 1_000_000n),
    snap(1000, 8 * DAY, 100n, 1_000_000n),
    snap(1300, 12 * DAY, 500n, 2_000_000n),
    snap(1600, 15 * DAY, 800n, 2_000_000n),
  ];

  it('annualises only windows of at least 7 days of counted intervals, reaching back over a payout', () => {
    const r = poolReturns(snapshots, [900]);
    expect(MIN_ANNUALISED_MS).toBe(7 * 86_400_000);
    // 100..700: 700 over 7 days on 1e6; 400..1300: 800 over 8 counted days on 1e6; 1000..1600: 700 on 1e6×4 d + 2e6×3 d
    expect(r.map((p) => [p.fromBlock, p.toBlock])).toEqual([
      [100, 700],
      [400, 1300],
      [1000, 1600],
    ]);
    expect(r.map((p) => p.poolApr)).toEqual([(700 * 365.25) / 7e6, (800 * 365.25) / 8e6, (700 * 365.25) / 10e6]);
  });

  it('leaves out an interval that contains a payout even if the pool did not shrink', () => {
    expect(poolReturns(snapshots, [900, 1500]).map((p) => p.toBlock)).toEqual([700, 1300]);
  });

  it('says nothing over a few hours: no ~700,000 % a year from one afternoon of take', () => {
    // 3 hours in which the pool grew 5 % of the nominator stake: annualised that would be 14,610 × 100 %
    const hours = [snap(1, 0, 0n, 1_000_000n), snap(2, 1, 20_000n, 1_000_000n), snap(3, 3, 50_000n, 1_000_000n)];
    expect(poolReturns(hours)).toEqual([]);
    expect(annualisedOver(50_000n, 1_000_000n, 3 * HOUR)).toBeNull();
    expect(annualisedOver(50_000n, 1_000_000n, YEAR_MS)).toBe(0.05);
  });

  it('sorts by block and needs two snapshots', () => {
    expect(poolReturns([...snapshots].reverse(), [900]).map((p) => p.toBlock)).toEqual([700, 1300, 1600]);
    expect(poolReturns(snapshots.slice(0, 1))).toEqual([]);
  });
});
