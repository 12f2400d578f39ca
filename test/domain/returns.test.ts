import { describe, expect, it } from 'vitest';
import { annualise, poolReturns, YEAR_MS } from '../../src/domain/returns.js';
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
  // hour  block  pool D   nominators N
  //   0   100    1000     1_000_000
  //   1   400    1100     1_000_000   +100 / 1e6 per hour -> 1e-4 * 8766 = 0.8766
  //   3   700    1300     2_000_000   +200 / 1e6 over 2 h -> 1e-4 * 4383 = 0.8766
  //   4  1000     100     2_000_000   pool shrank (payout at 900): skipped
  //   5  1300     300     2_000_000   +200 / 2e6 per hour -> 1e-4 * 8766 = 0.8766
  //   6  1600     350     4_000_000   +50 / 2e6 per hour -> 2.5e-5 * 8766 = 0.21915
  const snapshots = [
    snap(100, 0, 1000n, 1_000_000n),
    snap(400, 1, 1100n, 1_000_000n),
    snap(700, 3, 1300n, 2_000_000n),
    snap(1000, 4, 100n, 2_000_000n),
    snap(1300, 5, 300n, 2_000_000n),
    snap(1600, 6, 350n, 4_000_000n),
  ];

  it('gives one rate per interval from the start point, skipping intervals where the pool shrank', () => {
    const r = poolReturns(snapshots, [900]);
    expect(r.map((p) => [p.fromBlock, p.toBlock])).toEqual([
      [100, 400],
      [400, 700],
      [1000, 1300],
      [1300, 1600],
    ]);
    expect(r.map((p) => p.poolApr)).toEqual([0.8766, 0.8766, 0.8766, 0.21915]);
  });

  it('skips an interval that contains a payout even if the pool did not shrink', () => {
    const r = poolReturns(snapshots, [1500]);
    expect(r.map((p) => p.toBlock)).toEqual([400, 700, 1300]);
  });

  it('sorts by block and needs two snapshots', () => {
    expect(poolReturns([...snapshots].reverse()).map((p) => p.toBlock)).toEqual([400, 700, 1300, 1600]);
    expect(poolReturns(snapshots.slice(0, 1))).toEqual([]);
  });
});
