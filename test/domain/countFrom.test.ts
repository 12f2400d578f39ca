import { describe, expect, it } from 'vitest';
import { countFromBlocks, countsAt, noteRegistrations } from '../../src/domain/countFrom.js';
import { computePayouts } from '../../src/domain/payout.js';
import type { PeriodSnapshot } from '../../src/domain/periodShares.js';
import { summarize } from '../../src/domain/snapshotSummary.js';
import type { User, ValidatorSnapshot } from '../../src/domain/types.js';

// Issue 20, point 2: who counts when. A period of three snapshots (blocks 300, 600, 900); the nominator stake is
// 100 TAO at each. alice (coldkey A) is registered from the start; carol (coldkey C) is added to Users between the
// snapshots at 300 and 600, so the snapshotter first sees her at block 600. Both stake 20 TAO throughout.
//
//                      block 300   block 600   block 900   base share
//  alice  A  20 TAO      20 %        20 %        20 %       (20+20+20)/3 = 20 %
//  carol  C  20 TAO      20 %        20 %        20 %
//    rule period (counted from the period's start):         (20+20+20)/3 = 20 %         pool 9 TAO -> 1.8 TAO
//    rule added  (from the first snapshot after adding):    ( 0+20+20)/3 = 13.333.. %   pool 9 TAO -> 1.2 TAO
//
// The previous period was paid through block 0 (none), so under period carol counts from block 0.

const TAO = 1_000_000_000n;
const users: User[] = [
  { name: 'alice', addresses: ['A'], row: 3 },
  { name: 'carol', addresses: ['C'], row: 4 },
];
const snapshot = (block: number): PeriodSnapshot => ({
  block,
  nominatorStake: 100n * TAO,
  stakeByColdkey: new Map([['A', 20n * TAO], ['C', 20n * TAO], ['X', 60n * TAO]]),
});
const period = [snapshot(300), snapshot(600), snapshot(900)];
const registrations = new Map([['A', 0], ['C', 600]]);

function pay(countFrom: Map<string, number>) {
  return computePayouts({
    users,
    referrals: [],
    taxMode: 'base',
    snapshots: period,
    countFrom,
    pool: 9n * TAO,
    carriedIn: new Map(),
    accountExists: () => true,
    existentialDeposit: 500n,
  });
}

describe('who counts when', () => {
  it('records when each coldkey was added: 0 for those there before the record, the snapshot block for new ones', () => {
    expect(noteRegistrations(null, ['A'], 300)).toEqual(new Map([['A', 0]]));
    const after600 = noteRegistrations(new Map([['A', 0]]), ['A', 'C'], 600);
    expect(after600).toEqual(new Map([['A', 0], ['C', 600]]));
    // C leaves Users and comes back: counted from its return.
    expect(noteRegistrations(noteRegistrations(after600, ['A'], 900), ['A', 'C'], 1200)).toEqual(new Map([['A', 0], ['C', 1200]]));
  });

  it('period: carol counts from the period start, 20 % and 1.8 TAO; added: from block 600, 13.33 % and 1.2 TAO', () => {
    const fromPeriod = countFromBlocks('period', ['A', 'C'], registrations, []);
    expect(fromPeriod).toEqual(new Map([['A', 0], ['C', 0]]));
    const plan = pay(fromPeriod);
    expect(plan.rows.map((r) => [r.user, r.basePpb, r.amount])).toEqual([['alice', 200_000_000n, 1_800_000_000n], ['carol', 200_000_000n, 1_800_000_000n]]);

    const fromAdded = countFromBlocks('added', ['A', 'C'], registrations, []);
    expect(fromAdded).toEqual(new Map([['A', 0], ['C', 600]]));
    const later = pay(fromAdded);
    // (0 + 0.2 + 0.2) / 3 = 0.1333... -> 133,333,333 ppb; 9 TAO x 2/15 = 1.2 TAO exactly.
    expect(later.rows.map((r) => [r.user, r.basePpb, r.amount])).toEqual([['alice', 200_000_000n, 1_800_000_000n], ['carol', 133_333_333n, 1_200_000_000n]]);
  });

  it('period: a user added in an earlier paid period counts in full; one added after the last paid period counts from its start', () => {
    // Paid periods ended at blocks 600 and 1500. Added at 900 (in the period 601..1500): counts from 601.
    expect(countFromBlocks('period', ['C'], new Map([['C', 900]]), [600, 1500]).get('C')).toBe(601);
    // Added after the newest snapshot (not yet in the record): from the open period's start, 1501.
    expect(countFromBlocks('period', ['N'], new Map(), [600, 1500]).get('N')).toBe(1501);
    expect(countFromBlocks('added', ['N'], new Map(), [600, 1500]).get('N')).toBe(Number.POSITIVE_INFINITY);
    // No record at all (a workbook from before it was kept): everyone counts from the start.
    expect(countFromBlocks('added', ['A'], null, [600]).get('A')).toBe(0);
  });

  it("the Snapshots sheet's users' stake follows the same rule", () => {
    const record = (block: number): ValidatorSnapshot => ({
      block, blockHash: `0x${block}`, time: new Date(block * 12_000), hotkey: 'H', owner: 'O', takePpm: 180_000n, era: 'dynamic',
      totalStake: 110n * TAO, delegateStake: 10n * TAO,
      nominators: [['A', 20n], ['C', 20n], ['X', 60n]].map(([coldkey, tao]) => ({ coldkey: coldkey as string, stake: (tao as bigint) * TAO, subnets: [] })),
    });
    const usersStake = (countFrom: Map<string, number>, block: number) =>
      summarize(record(block), new Set(['A', 'C'].filter((c) => countsAt(countFrom, c, block)))).usersStake;
    const added = countFromBlocks('added', ['A', 'C'], registrations, []);
    const fromStart = countFromBlocks('period', ['A', 'C'], registrations, []);
    expect([300, 600, 900].map((b) => usersStake(added, b))).toEqual([20n * TAO, 40n * TAO, 40n * TAO]);
    expect([300, 600, 900].map((b) => usersStake(fromStart, b))).toEqual([40n * TAO, 40n * TAO, 40n * TAO]);
  });
});
