import { describe, expect, it } from 'vitest';
import { currentPeriod, estimatePeriod, userStats, validatorStats, type StatsInput } from '../../src/domain/stats.js';
import * as seed from '../fixtures/seed.js';

const input: StatsInput = {
  users: seed.users,
  referrals: seed.referrals,
  settings: seed.settings,
  snapshots: seed.snapshots,
  records: seed.coldkeyStakes,
  payouts: seed.payouts,
  takePpm: 180_000n,
};
const user = (name: string) => seed.users.find((u) => u.name === name)!;

describe('validator statistics (seeded program, see test/fixtures/seed.ts)', () => {
  it('summarises the newest snapshot, the period since the last paid payout, the last payout and the open plan', () => {
    const v = validatorStats(input);
    expect(v.newest?.block).toBe(3100);
    expect(v.newest?.totalStake).toBe(214_080_000_000n);
    expect(v.registeredUsers).toBe(3);
    // users 114 + 50 + 30 = 194 of 214 TAO nominator stake = 906542056 ppb
    expect(v.usersStake).toBe(194n * seed.TAO);
    expect(v.usersSharePpb).toBe(906_542_056n);
    // the snapshotter's grid (block % interval == 0), as status says: 3300, not 3100 + 300
    expect(v.nextSnapshotBlock).toBe(3300);
    // the last payout is the last paid plan: p1, 25.2 + 10.8 + 0 = 36 mTAO in block 2050
    expect(v.lastPayout).toMatchObject({ planId: 'p1', status: 'paid', users: 3, total: 36_000_000n, blockNumber: 2050 });
    // p2 is only planned (7.875 + 4.5 + 1.125 = 13.5 mTAO): an open plan, not a payout
    expect(v.openPlan).toMatchObject({ planId: 'p2', status: 'planned', users: 3, total: 13_500_000n, blockNumber: null });
  });

  it('names the next grid block as the next snapshot: 300 after a first snapshot at block 35, not 335', () => {
    const first = { ...seed.snapshots[0]!, block: 35 };
    expect(validatorStats({ ...input, snapshots: [first], payouts: [] }).nextSnapshotBlock).toBe(300);
  });

  it('the period starts at the paid period end and its pool sums the increases after it', () => {
    const p = currentPeriod(seed.snapshots, seed.payouts)!;
    expect(p.snapshots.map((s) => s.block)).toEqual([2200, 2500, 2800, 3100]);
    expect([p.startBlock, p.endBlock]).toEqual([1900, 3100]);
    // D grows by 10 million RAO a snapshot: 80 million at 3100 less 40 million at 1900 (the closed plan's end)
    expect(p.poolAccrued).toBe(40_000_000n);
  });

  it('before any paid payout the period is every snapshot and the pool grows from the first one', () => {
    const p = currentPeriod(seed.snapshots, [])!;
    expect(p.snapshots).toHaveLength(8);
    // 80 - 10 million RAO
    expect(p.poolAccrued).toBe(70_000_000n);
    expect(currentPeriod([], [])).toBeNull();
  });
});

describe('user statistics', () => {
  // Period snapshots i = 4..7: N = 208, 210, 212, 214 TAO; alice 108..114, bob 50, carol 30.
  // base = mean share: alice 0.526013115, bob 0.236993442, carol 0.142196065 (exact fractions, floored to ppb)
  // tax (base mode): bob pays 10 % of his base to alice, carol 50 % of hers to bob.
  // pool 40,000,000 RAO: exact earned 21988498.37, 11375685.24, 2843921.31; the floors already add up to
  // floor(pool * total final) = 36208104, so no remainder is handed out.
  const period = currentPeriod(seed.snapshots, seed.payouts)!;
  const estimate = estimatePeriod(input, period);

  it('estimates the period with the payout math', () => {
    const rows = Object.fromEntries(estimate!.rows.map((r) => [r.user, r]));
    expect([rows.alice!.basePpb, rows.bob!.basePpb, rows.carol!.basePpb]).toEqual([526_013_115n, 236_993_442n, 142_196_065n]);
    expect([rows.alice!.earned, rows.bob!.earned, rows.carol!.earned]).toEqual([21_988_498n, 11_375_685n, 2_843_921n]);
  });

  it('bob: stake, shares, both referral sides, estimate, return and history', () => {
    const s = userStats(input, user('bob'), estimate, period);
    expect(s.currentStake).toBe(50n * seed.TAO);
    // 50 / 214
    expect(s.sharePpb).toBe(233_644_859n);
    expect(s.referrer).toEqual({ name: 'alice', taxPpm: 100_000n });
    expect(s.referees).toEqual([{ name: 'carol', taxPpm: 500_000n }]);
    expect(s.estimate).toEqual({ basePpb: 236_993_442n, taxPaid: 947_973n, taxReceived: 2_843_921n, earned: 11_375_685n });
    // 11375685 / 40000000
    expect(s.finalPpb).toBe(284_392_125n);
    // 4 hours of history is too short to annualise (it gave ~50 % a year, and ~700,000 % on a real chain)
    expect(s.aprInclReferrals).toBeNull();
    expect(s.history.map((h) => [h.planId, h.status, h.amount])).toEqual([
      ['p1', 'paid', 10_800_000n],
      ['p2', 'planned', 4_500_000n],
    ]);
  });

  it('bob: over a period of 8 days the return is annualised', () => {
    // the same snapshots two days apart instead of one hour: the period 1900..3100 spans 8 days
    const start = seed.snapshots[0]!.time.getTime();
    const slow = seed.snapshots.map((s, i) => ({ ...s, time: new Date(start + i * 2 * 86_400_000) }));
    const slowInput = { ...input, snapshots: slow };
    const slowPeriod = currentPeriod(slow, seed.payouts)!;
    const s = userStats(slowInput, user('bob'), estimatePeriod(slowInput, slowPeriod), slowPeriod);
    // 0.011375685 TAO on a mean 50 TAO over 8 days: * 365.25 / 8
    expect(s.aprInclReferrals).toBeCloseTo((11_375_685 / 50e9) * (365.25 / 8), 8);
  });

  it('alice: stake per coldkey at the newest snapshot', () => {
    const s = userStats(input, user('alice'), estimate, period);
    // 114 TAO split 60/40 over her two keys
    expect(s.stakeByAddress).toEqual([
      { address: seed.ADDR.alice, stake: 68_400_000_000n },
      { address: seed.ADDR.alice2, stake: 45_600_000_000n },
    ]);
    expect(s.referrer).toBeNull();
    expect(s.estimate?.taxPaid).toBe(0n);
  });

  it('without any snapshot there is nothing to estimate', () => {
    const empty = { ...input, snapshots: [], records: [] };
    const s = userStats(empty, user('carol'), null, null);
    expect(s.currentStake).toBeNull();
    expect(s.estimate).toBeNull();
    expect(s.aprInclReferrals).toBeNull();
    expect(s.history).toHaveLength(2);
  });
});
