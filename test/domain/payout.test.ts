import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { apportion } from '../../src/domain/apportion.js';
import { computePayouts, type PayoutInput } from '../../src/domain/payout.js';
import type { PeriodSnapshot } from '../../src/domain/periodShares.js';
import { formatTao, parseTao } from '../../src/domain/tao.js';
import type { Referral, User } from '../../src/domain/types.js';

const user = (name: string, ...addresses: string[]): User => ({ name, addresses, row: 0 });
const snap = (block: number, nominatorStake: bigint, stakes: Record<string, bigint>): PeriodSnapshot => ({
  block,
  nominatorStake,
  stakeByColdkey: new Map(Object.entries(stakes)),
});
const edge = (referrer: string, referee: string, percent: bigint): Referral => ({
  referrer,
  referee,
  taxPpm: percent * 10_000n,
  row: 0,
});

// Three users, two snapshots, one nominator (x) who is not a user; alice refers bob (10 %), bob refers carol (20 %).
//            N      alice  bob   carol(c1+c2)   x     shares
// block 100  1000   500    300   100 (100+0)    100   .5  .3   .1
// block 400   800   400    200   200 (150+50)     0   .5  .25  .25
// base = mean:                                         .5  .275 .175  (sum .95; x's .05 stays in the pool)
const users = [user('alice', 'A'), user('bob', 'B'), user('carol', 'C1', 'C2')];
const snapshots = [
  snap(100, 1000n, { A: 500n, B: 300n, C1: 100n, X: 100n }),
  snap(400, 800n, { A: 400n, B: 200n, C1: 150n, C2: 50n }),
];
const chain = [edge('alice', 'bob', 10n), edge('bob', 'carol', 20n)];
const input = (over: Partial<PayoutInput>): PayoutInput => ({
  users,
  referrals: chain,
  taxMode: 'base',
  snapshots,
  pool: 999n,
  carriedIn: new Map(),
  accountExists: () => true,
  existentialDeposit: 500n,
  ...over,
});
const byUser = <T extends { user: string }>(rows: T[]): Record<string, T> => Object.fromEntries(rows.map((r) => [r.user, r]));

describe('computePayouts: hand-computed tables', () => {
  it('base mode: tax on the base share only, remainders to the largest fractions', () => {
    // carol pays .2*.175 = .035 to bob; bob pays .1*.275 = .0275 to alice.
    // final: alice .5275, bob .2825, carol .14; pool 999 -> 526.9725, 282.2175, 139.86; floors 947;
    // target floor(999*.95) = 949 -> +1 to alice (.9725) and carol (.86).
    const plan = computePayouts(input({}));
    const rows = byUser(plan.rows);
    expect([rows.alice!.amount, rows.bob!.amount, rows.carol!.amount]).toEqual([527n, 282n, 140n]);
    expect(plan.allocated).toBe(949n);
    expect(plan.toSend).toBe(949n);
    expect([rows.alice!.basePpb, rows.bob!.basePpb, rows.carol!.basePpb]).toEqual([
      500_000_000n,
      275_000_000n,
      175_000_000n,
    ]);
    // 999*.035 = 34.965, 999*.0275 = 27.4725 (rounded down for display)
    expect([rows.carol!.taxPaid, rows.bob!.taxReceived, rows.bob!.taxPaid, rows.alice!.taxReceived]).toEqual([
      34n,
      34n,
      27n,
      27n,
    ]);
  });

  it('compound mode: tax on everything the referee receives, deepest layer first', () => {
    // carol: receives .175, pays .035 -> .14. bob: receives .275+.035 = .31, pays .031 -> .279. alice: .5+.031 = .531.
    // pool 999 -> 530.469, 278.721, 139.86; floors 947; +1 to carol (.86) and bob (.721).
    const plan = computePayouts(input({ taxMode: 'compound' }));
    const rows = byUser(plan.rows);
    expect([rows.alice!.amount, rows.bob!.amount, rows.carol!.amount]).toEqual([530n, 279n, 140n]);
    expect(plan.allocated).toBe(949n);
    expect([rows.bob!.taxPaid, rows.alice!.taxReceived]).toEqual([30n, 30n]); // 999*.031 = 30.969
  });

  it('no referrals: each user gets the pool times its base share', () => {
    // 999 * (.5, .275, .175) = 499.5, 274.725, 174.825; floors 947, target 949 -> carol (.825), bob (.725)
    const plan = computePayouts(input({ referrals: [] }));
    const rows = byUser(plan.rows);
    expect([rows.alice!.amount, rows.bob!.amount, rows.carol!.amount]).toEqual([499n, 275n, 175n]);
  });

  it('a referee taxed at 100 % receives nothing; its whole base goes to the referrer', () => {
    const plan = computePayouts(input({ referrals: [edge('alice', 'carol', 100n)], pool: 1000n }));
    const rows = byUser(plan.rows);
    expect(rows.carol!.earned).toBe(0n);
    expect(rows.carol!.status).toBe('carried');
    expect(rows.alice!.amount).toBe(675n); // 1000 * (.5 + .175)
    expect(rows.bob!.amount).toBe(275n);
  });

  it('every nominator registered: the whole pool is paid, to the RAO, even when shares are thirds', () => {
    const plan = computePayouts(
      input({
        referrals: [],
        snapshots: [snap(1, 3n, { A: 1n, B: 1n, C1: 1n })],
        pool: 10n,
      }),
    );
    expect(plan.allocated).toBe(10n);
    // 10/3 each: floors 3 + 3 + 3, the three remainders tie at 1/3 and the one RAO left goes to the first name
    expect(plan.rows.map((r) => [r.user, r.amount])).toEqual([
      ['alice', 4n],
      ['bob', 3n],
      ['carol', 3n],
    ]);
  });

  it('an exact whole amount is paid whole: 1 RAO of 3 with pool 3 is exactly 1', () => {
    // a holds 1, a nominator who is not a user holds 2: a's share is exactly 1/3, and 3 × 1/3 = 1
    const plan = computePayouts(input({ users: [user('a', 'A')], referrals: [], snapshots: [snap(1, 3n, { A: 1n, X: 2n })], pool: 3n }));
    expect(plan.rows.map((r) => [r.user, r.earned, r.basePpb])).toEqual([['a', 1n, 333_333_333n]]);
    expect(plan.allocated).toBe(1n);
  });

  it('equal remainders are broken by name, not by rounding: a 2.5 and b 0.5 of pool 3 give a 3, b 0', () => {
    const plan = computePayouts(
      input({ users: [user('b', 'B'), user('a', 'A')], referrals: [], snapshots: [snap(1, 6n, { A: 5n, B: 1n })], pool: 3n }),
    );
    expect(plan.rows.map((r) => [r.user, r.earned])).toEqual([
      ['a', 3n],
      ['b', 0n],
    ]);
    expect(plan.allocated).toBe(3n);
  });

  it('shares of different snapshots add up exactly: 1/3 then 2/3 is a mean of exactly 1/2', () => {
    // block 1: a 1 of 3, block 2: a 4 of 6 (x holds the rest); base 1/2, pool 2 -> exactly 1
    const plan = computePayouts(
      input({
        users: [user('a', 'A')],
        referrals: [],
        snapshots: [snap(1, 3n, { A: 1n, X: 2n }), snap(2, 6n, { A: 4n, X: 2n })],
        pool: 2n,
      }),
    );
    expect(plan.rows.map((r) => [r.user, r.earned, r.basePpb])).toEqual([['a', 1n, 500_000_000n]]);
  });

  it('referral tax on a third is exact: half of 1/3 moves, pool 6 pays 1 and 1, tax shown as 1', () => {
    // b (referred by a at 50 %) holds 1 of 3: base(b) = 1/3, b pays 1/6 to a; 6 × 1/6 = 1 each
    for (const taxMode of ['base', 'compound'] as const) {
      const plan = computePayouts(
        input({
          users: [user('a', 'A'), user('b', 'B')],
          referrals: [edge('a', 'b', 50n)],
          taxMode,
          snapshots: [snap(1, 3n, { B: 1n, X: 2n })],
          pool: 6n,
        }),
      );
      const rows = byUser(plan.rows);
      expect([rows.a!.earned, rows.b!.earned, rows.b!.taxPaid, rows.a!.taxReceived]).toEqual([1n, 1n, 1n, 1n]);
      expect(plan.allocated).toBe(2n);
    }
  });

  it('compound tax through two layers of thirds is exact', () => {
    // c holds 1 of 3 (base 1/3); c -> b at 50 %, b -> a at 50 %: c keeps 1/6, b keeps 1/12, a gets 1/12.
    // pool 12: c 2, b 1, a 1 exactly (total 4 = 12 × 1/3); b's tax shown is 12 × 1/12 = 1
    const plan = computePayouts(
      input({
        users: [user('a', 'A'), user('b', 'B'), user('c', 'C')],
        referrals: [edge('a', 'b', 50n), edge('b', 'c', 50n)],
        taxMode: 'compound',
        snapshots: [snap(1, 3n, { C: 1n, X: 2n })],
        pool: 12n,
      }),
    );
    const rows = byUser(plan.rows);
    expect([rows.a!.earned, rows.b!.earned, rows.c!.earned]).toEqual([1n, 1n, 2n]);
    expect([rows.c!.taxPaid, rows.b!.taxReceived, rows.b!.taxPaid, rows.a!.taxReceived]).toEqual([2n, 2n, 1n, 1n]);
  });

  it('a snapshot with zero nominator stake is left out of the mean', () => {
    const plan = computePayouts(input({ referrals: [], snapshots: [...snapshots, snap(700, 0n, {})] }));
    expect(plan.skippedSnapshots).toEqual([700]);
    expect(plan.countedSnapshots).toBe(2);
    expect(byUser(plan.rows).alice!.amount).toBe(499n);
  });

  it('carries amounts that cannot be sent and adds what was carried in', () => {
    const plan = computePayouts(
      input({
        referrals: [],
        carriedIn: new Map([
          ['alice', 5n],
          ['zed', 42n],
        ]),
        accountExists: (a) => a !== 'C1',
      }),
    );
    const rows = byUser(plan.rows);
    expect(rows.alice).toMatchObject({ earned: 499n, carriedIn: 5n, amount: 504n, status: 'planned' });
    expect(rows.carol).toMatchObject({ amount: 175n, status: 'carried' });
    expect(rows.carol!.reason).toContain('existential deposit');
    expect(rows.zed).toMatchObject({ amount: 42n, status: 'carried', address: '' });
    expect(plan.toSend).toBe(504n + 275n);
    expect(plan.carried).toBe(175n + 42n);
  });

  it('keeps a carry when the user is renamed in another case (the same user by the README rule)', () => {
    const plan = computePayouts(input({ referrals: [], carriedIn: new Map([['ALICE', 5n]]) }));
    const rows = byUser(plan.rows);
    expect(rows.alice).toMatchObject({ earned: 499n, carriedIn: 5n, amount: 504n, status: 'planned' });
    expect(rows.ALICE).toBeUndefined();
    expect(plan.carried).toBe(0n);
  });

  it('refuses inconsistent input with a reason', () => {
    expect(() => computePayouts(input({ snapshots: [snap(1, 0n, {})] }))).toThrow(/no snapshot/);
    expect(() => computePayouts(input({ snapshots: [snap(5, 10n, { A: 11n })] }))).toThrow(/block 5/);
    expect(() => computePayouts(input({ referrals: [edge('alice', 'bob', 1n), edge('bob', 'alice', 1n)] }))).toThrow(
      /already has a referrer|cycle/,
    );
    expect(() =>
      computePayouts(input({ referrals: [edge('alice', 'bob', 1n), edge('bob', 'carol', 1n), edge('carol', 'alice', 1n)] })),
    ).toThrow(/cycle/);
    expect(() => computePayouts(input({ referrals: [edge('alice', 'nobody', 1n)] }))).toThrow(/nobody/);
  });
});

describe('apportion', () => {
  it('ties go by name', () => {
    const result = apportion(
      [
        { name: 'b', numerator: 1n },
        { name: 'a', numerator: 1n },
        { name: 'c', numerator: 1n },
      ],
      3n,
    );
    expect([...result].sort()).toEqual([
      ['a', 1n],
      ['b', 0n],
      ['c', 0n],
    ]);
  });
});

describe('formatTao / parseTao', () => {
  it('formats every RAO and parses back', () => {
    expect(formatTao(1_500_000_001n)).toBe('1.500000001');
    expect(formatTao(0n)).toBe('0.000000000');
    expect(formatTao(-5n)).toBe('-0.000000005');
    expect(parseTao('12')).toBe(12_000_000_000n);
    expect(parseTao('0.5')).toBe(500_000_000n);
    expect(parseTao('1.0000000001')).toBeNull();
    expect(parseTao('1e3')).toBeNull();
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 20n }), (rao) => parseTao(formatTao(rao)) === rao));
  });
});

// Random periods: up to 6 users (some with two coldkeys), an unregistered nominator, up to 5 snapshots, a referral forest.
const arbitraryPeriod = fc
  .record({
    userCount: fc.integer({ min: 1, max: 6 }),
    snapshotStakes: fc.array(fc.array(fc.bigInt({ min: 0n, max: 10n ** 16n }), { minLength: 8, maxLength: 8 }), {
      minLength: 1,
      maxLength: 5,
    }),
    parents: fc.array(fc.integer({ min: -1, max: 5 }), { minLength: 6, maxLength: 6 }),
    taxes: fc.array(fc.bigInt({ min: 0n, max: 1_000_000n }), { minLength: 6, maxLength: 6 }),
    pool: fc.bigInt({ min: 0n, max: 10n ** 15n }),
    taxMode: fc.constantFrom('base' as const, 'compound' as const),
  })
  .map(({ userCount, snapshotStakes, parents, taxes, pool, taxMode }) => {
    const names = ['u0', 'u1', 'u2', 'u3', 'u4', 'u5'].slice(0, userCount);
    const users = names.map((n, i) => user(n, `${n}-a`, ...(i % 2 ? [`${n}-b`] : [])));
    // parent index below own index: a forest, never a cycle
    const referrals = names.flatMap((n, i) => {
      const p = parents[i]!;
      return p >= 0 && p < i ? [{ referrer: names[p]!, referee: n, taxPpm: taxes[i]!, row: i }] : [];
    });
    const snaps = snapshotStakes.map((stakes, s) => {
      const byColdkey = new Map<string, bigint>();
      users.forEach((u, i) => u.addresses.forEach((a, j) => byColdkey.set(a, stakes[(i + j) % 7]!)));
      byColdkey.set('outsider', stakes[7]!);
      const total = [...byColdkey.values()].reduce((a, b) => a + b, 0n);
      return { block: s * 300, nominatorStake: total, stakeByColdkey: byColdkey };
    });
    return { users, referrals, snapshots: snaps, pool, taxMode };
  });

describe('computePayouts: properties', () => {
  type Period = Pick<PayoutInput, 'users' | 'referrals' | 'snapshots' | 'pool' | 'taxMode'>;
  const run = (p: Period) =>
    computePayouts({ ...p, carriedIn: new Map(), accountExists: () => true, existentialDeposit: 500n });

  it('never pays more than the pool, never a negative amount, and adds up exactly', () => {
    fc.assert(
      fc.property(arbitraryPeriod, (p) => {
        if (p.snapshots.every((s) => s.nominatorStake === 0n)) return;
        const plan = run(p);
        const sum = plan.rows.reduce((a, r) => a + r.earned, 0n);
        expect(sum).toBe(plan.allocated);
        expect(plan.allocated <= p.pool).toBe(true);
        for (const r of plan.rows) expect(r.amount >= 0n && r.earned >= 0n).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('pays the whole pool when every nominator is registered', () => {
    fc.assert(
      fc.property(arbitraryPeriod, (p) => {
        const snaps = p.snapshots.map((s) => {
          const m = new Map(s.stakeByColdkey);
          const outsider = m.get('outsider')!;
          m.delete('outsider');
          return { ...s, nominatorStake: s.nominatorStake - outsider, stakeByColdkey: m };
        });
        if (snaps.every((s) => s.nominatorStake === 0n)) return;
        expect(run({ ...p, snapshots: snaps }).allocated).toBe(p.pool);
      }),
      { numRuns: 300 },
    );
  });

  it('a user with more stake than another in every snapshot never gets less (same referral position)', () => {
    fc.assert(
      fc.property(arbitraryPeriod, fc.bigInt({ min: 1n, max: 10n ** 12n }), (p, extra) => {
        // "rich" and "poor" are both unreferred and refer nobody; rich holds strictly more at every snapshot.
        const users = [...p.users, user('rich', 'R'), user('poor', 'P')];
        const snaps = p.snapshots.map((s, i) => {
          const m = new Map(s.stakeByColdkey);
          const poorStake = BigInt(i) * 7n;
          m.set('P', poorStake);
          m.set('R', poorStake + extra);
          return { ...s, nominatorStake: s.nominatorStake + 2n * poorStake + extra, stakeByColdkey: m };
        });
        const rows = byUser(run({ ...p, users, snapshots: snaps }).rows);
        expect(rows.rich!.amount >= rows.poor!.amount).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
