import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computePayouts } from '../../src/domain/payout.js';
import { PeriodShares, type PeriodSnapshot } from '../../src/domain/periodShares.js';
import type { Referral, TaxMode, User } from '../../src/domain/types.js';

// An exact-fraction reference of the payout rules (DESIGN.md "The money, exactly"), written from the rules alone:
// plain reduced fractions, the tax applied layer by layer as the rules say it, no shortcut of the real code.

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
};

class Q {
  readonly n: bigint;
  readonly d: bigint;
  constructor(n: bigint, d = 1n) {
    if (d === 0n) throw new Error('zero denominator');
    const sign = d < 0n ? -1n : 1n;
    const g = gcd(n, d) || 1n;
    this.n = (sign * n) / g;
    this.d = (sign * d) / g;
  }
  plus(o: Q): Q {
    return new Q(this.n * o.d + o.n * this.d, this.d * o.d);
  }
  minus(o: Q): Q {
    return new Q(this.n * o.d - o.n * this.d, this.d * o.d);
  }
  times(o: Q): Q {
    return new Q(this.n * o.n, this.d * o.d);
  }
  floor(): bigint {
    const q = this.n / this.d;
    return this.n < 0n && q * this.d !== this.n ? q - 1n : q;
  }
  frac(): Q {
    return this.minus(new Q(this.floor()));
  }
  cmp(o: Q): number {
    const l = this.n * o.d;
    const r = o.n * this.d;
    return l < r ? -1 : l > r ? 1 : 0;
  }
}
const ZERO = new Q(0n);

interface Period {
  users: User[];
  referrals: Referral[];
  taxMode: TaxMode;
  snapshots: PeriodSnapshot[];
  pool: bigint;
}

interface Expected {
  final: Map<string, Q>;
  rows: Map<string, { basePpb: bigint; taxPaid: bigint; taxReceived: bigint; earned: bigint }>;
  allocated: bigint;
}

function reference(p: Period): Expected {
  const names = p.users.map((u) => u.name);
  const counted = p.snapshots.filter((s) => s.nominatorStake > 0n);
  const base = new Map<string, Q>();
  for (const u of p.users) {
    let sum = ZERO;
    for (const s of counted) {
      const stake = u.addresses.reduce((a, c) => a + (s.stakeByColdkey.get(c) ?? 0n), 0n);
      sum = sum.plus(new Q(stake, s.nominatorStake));
    }
    base.set(u.name, sum.times(new Q(1n, BigInt(counted.length))));
  }

  const referrerOf = new Map(p.referrals.map((r) => [r.referee, r]));
  const depth = (name: string): number => (referrerOf.has(name) ? 1 + depth(referrerOf.get(name)!.referrer) : 0);
  const paid = new Map(names.map((n) => [n, ZERO]));
  const received = new Map(names.map((n) => [n, ZERO]));
  // deepest layer first, so that in compound mode a referee has received everything before it is taxed
  for (const name of [...names].sort((a, b) => depth(b) - depth(a))) {
    const edge = referrerOf.get(name);
    if (!edge) continue;
    const taxable = p.taxMode === 'base' ? base.get(name)! : base.get(name)!.plus(received.get(name)!);
    const tax = taxable.times(new Q(edge.taxPpm, 1_000_000n));
    paid.set(name, tax);
    received.set(edge.referrer, received.get(edge.referrer)!.plus(tax));
  }
  const final = new Map(names.map((n) => [n, base.get(n)!.minus(paid.get(n)!).plus(received.get(n)!)]));

  const pool = new Q(p.pool);
  const exact = new Map(names.map((n) => [n, pool.times(final.get(n)!)]));
  const allocated = [...exact.values()].reduce((a, b) => a.plus(b), ZERO).floor();
  const earned = new Map(names.map((n) => [n, exact.get(n)!.floor()]));
  let leftover = allocated - [...earned.values()].reduce((a, b) => a + b, 0n);
  const byRemainder = [...names].sort((a, b) => exact.get(b)!.frac().cmp(exact.get(a)!.frac()) || (a < b ? -1 : a > b ? 1 : 0));
  for (const n of byRemainder) {
    if (leftover === 0n) break;
    earned.set(n, earned.get(n)! + 1n);
    leftover--;
  }
  const rows = new Map(
    names.map((n) => [
      n,
      {
        basePpb: base.get(n)!.times(new Q(1_000_000_000n)).floor(),
        taxPaid: pool.times(paid.get(n)!).floor(),
        taxReceived: pool.times(received.get(n)!).floor(),
        earned: earned.get(n)!,
      },
    ]),
  );
  return { final, rows, allocated };
}

const user = (name: string, ...addresses: string[]): User => ({ name, addresses, row: 0 });

// A period's stakes come from one range: tiny (ties and exact whole amounts everywhere), chain-sized, beyond 2^64,
// or all three mixed.
const tiny = fc.bigInt({ min: 0n, max: 6n });
const chainSized = fc.bigInt({ min: 0n, max: 10n ** 18n });
const huge = fc.bigInt({ min: 0n, max: 1n << 80n });
const stakes = fc.oneof(
  { weight: 5, arbitrary: fc.constant(tiny) },
  { weight: 2, arbitrary: fc.constant(chainSized) },
  { weight: 1, arbitrary: fc.constant(huge) },
  { weight: 2, arbitrary: fc.constant(fc.oneof(tiny, chainSized, huge)) },
);
const tax = fc.oneof(
  fc.constantFrom(0n, 1n, 250_000n, 333_333n, 500_000n, 1_000_000n),
  fc.bigInt({ min: 0n, max: 1_000_000n }),
);
const NAMES = ['b', 'a', 'B', 'ab', 'é', 'a2', 'Z'];

const arbitraryPeriod = stakes
  .chain((stake) =>
    fc.record({
      userCount: fc.integer({ min: 1, max: NAMES.length }),
      outsiders: fc.integer({ min: 0, max: 2 }),
      snapshots: fc.array(fc.array(stake, { minLength: NAMES.length * 2 + 2, maxLength: NAMES.length * 2 + 2 }), {
        minLength: 1,
        maxLength: 6,
      }),
      parents: fc.array(fc.integer({ min: -1, max: NAMES.length - 1 }), { minLength: NAMES.length, maxLength: NAMES.length }),
      taxes: fc.array(tax, { minLength: NAMES.length, maxLength: NAMES.length }),
      pool: fc.oneof(fc.bigInt({ min: 0n, max: 30n }), fc.bigInt({ min: 0n, max: 21_000_000n * 10n ** 9n })),
      taxMode: fc.constantFrom<TaxMode>('base', 'compound'),
    }),
  )
  .map(({ userCount, outsiders, snapshots, parents, taxes, pool, taxMode }): Period => {
    const names = NAMES.slice(0, userCount);
    const users = names.map((n, i) => user(n, `${n}-1`, ...(i % 2 ? [`${n}-2`] : [])));
    // a parent listed before the referee: a forest, never a cycle
    const referrals = names.flatMap((n, i) => {
      const parent = parents[i]!;
      return parent >= 0 && parent < i ? [{ referrer: names[parent]!, referee: n, taxPpm: taxes[i]!, row: i + 2 }] : [];
    });
    const coldkeys = [...users.flatMap((u) => u.addresses), ...Array.from({ length: outsiders }, (_, i) => `outsider-${i}`)];
    const built = snapshots.map((stakes, s) => {
      const byColdkey = new Map(coldkeys.map((c, i) => [c, stakes[i]!]));
      return { block: 100 * s, nominatorStake: [...byColdkey.values()].reduce((a, b) => a + b, 0n), stakeByColdkey: byColdkey };
    });
    return { users, referrals, taxMode, snapshots: built, pool };
  })
  .filter((p) => p.snapshots.some((s) => s.nominatorStake > 0n));

const run = (p: Period, snapshots: Period['snapshots'] | PeriodShares = p.snapshots) =>
  computePayouts({ ...p, snapshots, carriedIn: new Map(), accountExists: () => true, existentialDeposit: 0n });

describe('computePayouts against an exact-fraction reference', () => {
  it('every row and the total are what exact fractions give, in both tax modes', () => {
    fc.assert(
      fc.property(arbitraryPeriod, (p) => {
        const expected = reference(p);
        const plan = run(p);
        expect(plan.allocated).toBe(expected.allocated);
        for (const r of plan.rows) {
          expect({ user: r.user, basePpb: r.basePpb, taxPaid: r.taxPaid, taxReceived: r.taxReceived, earned: r.earned }).toEqual({
            user: r.user,
            ...expected.rows.get(r.user),
          });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('the amounts add up to floor(pool × Σ final) and each is within 1 RAO of pool × final', () => {
    fc.assert(
      fc.property(arbitraryPeriod, (p) => {
        const { final } = reference(p);
        const plan = run(p);
        const pool = new Q(p.pool);
        const total = [...final.values()].reduce((a, b) => a.plus(b), ZERO);
        expect(plan.rows.reduce((a, r) => a + r.earned, 0n)).toBe(pool.times(total).floor());
        for (const r of plan.rows) {
          const exact = pool.times(final.get(r.user)!);
          // earned − 1 < pool × final < earned + 1
          expect(new Q(r.earned - 1n).cmp(exact) < 0 && exact.cmp(new Q(r.earned + 1n)) < 0).toBe(true);
          expect(r.earned === exact.floor() || r.earned === exact.floor() + 1n).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('of two users with equal remainders, the later name never gets the extra RAO without the earlier', () => {
    fc.assert(
      fc.property(arbitraryPeriod, (p) => {
        const { final } = reference(p);
        const pool = new Q(p.pool);
        const rows = run(p).rows.map((r) => {
          const exact = pool.times(final.get(r.user)!);
          return { user: r.user, remainder: exact.frac(), extra: r.earned - exact.floor() };
        });
        for (const a of rows) {
          for (const b of rows) {
            const order = a.remainder.cmp(b.remainder);
            if (order > 0 || (order === 0 && a.user < b.user)) expect(a.extra >= b.extra).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('summed one snapshot at a time (PeriodShares) gives the same plan as the snapshot list', () => {
    fc.assert(
      fc.property(arbitraryPeriod, (p) => {
        const shares = new PeriodShares(p.users);
        for (const s of p.snapshots) shares.add(s);
        expect(run(p, shares)).toEqual(run(p));
      }),
      { numRuns: 100 },
    );
  });
});

describe('computePayouts on long periods', () => {
  it('a year of hourly snapshots with a different nominator stake each is exact to the RAO', () => {
    // a's share differs at every snapshot; b holds 2/3 of the nominator stake minus a's stake, so a and b together
    // hold exactly 2/3 at every snapshot and are owed exactly 2/3 of the pool (a fixed point loses a RAO here)
    const snapshots: PeriodSnapshot[] = [];
    for (let s = 0; s < 8_760; s++) {
      const n = 3n * (10n ** 17n + BigInt(s) * 7_919n);
      const a = 10n ** 16n + BigInt(s) * 104_729n;
      snapshots.push({ block: s, nominatorStake: n, stakeByColdkey: new Map([['A', a], ['B', (2n * n) / 3n - a], ['X', n / 3n]]) });
    }
    const plan = computePayouts({
      users: [user('a', 'A'), user('b', 'B')],
      referrals: [],
      taxMode: 'base',
      snapshots,
      pool: 3_000_000_000n,
      carriedIn: new Map(),
      accountExists: () => true,
      existentialDeposit: 0n,
    });
    expect(plan.allocated).toBe(2_000_000_000n);
  });
});
