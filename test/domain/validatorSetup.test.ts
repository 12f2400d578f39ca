import { describe, expect, it } from 'vitest';
import type { ValidatorSnapshot } from '../../src/domain/types.js';
import { describeSetup, estimateValidatorSetup } from '../../src/domain/validatorSetup.js';

const TAO = 1_000_000_000n;
const TAKE = 180_000n; // 18 %

/** A record with root (netuid 0) stake only: nominators' alpha and the owner's, in RAO. */
function snapshot(block: number, owner: bigint, nominators: Record<string, bigint>, extra: Partial<ValidatorSnapshot> = {}): ValidatorSnapshot {
  const list = Object.entries(nominators).map(([coldkey, alpha]) => ({ coldkey, stake: alpha, subnets: [{ netuid: 0, alpha, tao: alpha }] }));
  const nominatorStake = list.reduce((s, n) => s + n.stake, 0n);
  return {
    block,
    blockHash: `0x${block}`,
    time: new Date(block * 12_000),
    hotkey: 'hotkey',
    owner: 'owner',
    takePpm: TAKE,
    era: 'dynamic',
    totalStake: nominatorStake + owner,
    delegateStake: owner,
    nominators: list,
    delegateSubnets: [{ netuid: 0, alpha: owner, tao: owner }],
    ...extra,
  };
}

// Nominators grew 1 % (g = 1.01) from emission. Their alpha: 1500 TAO at the start, 1515 TAO at the end.
// Take from them = 0.18 / 0.82 × 0.01 × 1515 TAO = 3.325609756 TAO (rounded down, RAO).
// An owner's 1000 TAO of own stake earns 0.01 / 0.82 of itself = 12.195121951 TAO (the rest is take on it).
const start = (owner: bigint) => snapshot(300, owner, { a: 1000n * TAO, b: 500n * TAO });
const end = (owner: bigint) => snapshot(600, owner, { a: 1010n * TAO, b: 505n * TAO });

describe('estimateValidatorSetup (hand-computed)', () => {
  it('an owner holding only the take is ok', () => {
    const e = estimateValidatorSetup(start(0n), end(3_325_609_756n));
    expect(e).toMatchObject({ verdict: 'ok', takeAccrued: 3_325_609_756n, accrued: 3_325_609_756n, unexplained: 0n, notTake: 0n, fromBlock: 300, toBlock: 600 });
    expect(describeSetup(e)[0]).toMatch(/^validator setup: ok: the owner coldkey has 3\.325609756 TAO on the hotkey; the take \(18%\) can have added at most about 3\.325609756 TAO over blocks 300–600/);
  });

  it('an owner with 1000 TAO of their own on the hotkey is found, with the part of the accrued pool that is not the take', () => {
    const owner = 1000n * TAO + 12_195_121_951n + 3_325_609_756n;
    const e = estimateValidatorSetup(start(1000n * TAO), end(owner));
    expect(e).toMatchObject({ verdict: 'own-stake', takeAccrued: 3_325_609_756n, accrued: 15_520_731_707n, unexplained: 1_012_195_121_951n, notTake: 12_195_121_951n });
    const text = describeSetup(e).join('\n');
    expect(text).toContain('so about 1012.195121951 TAO of it is not the take');
    expect(text).toContain('Of the 15.520731707 TAO the owner\'s stake grew by over blocks 300–600, about 12.195121951 TAO is not the take');
    expect(text).toContain('plan --pool accrued would pay it to the users');
    expect(text).toContain('valtrac plan --pool TAO');
  });

  it('stake the owner added during the period is not the take either', () => {
    // No own stake at the start; 200 TAO staked by the owner mid-period: the accrued pool would pay it out.
    const e = estimateValidatorSetup(start(0n), end(200n * TAO + 3_325_609_756n));
    expect(e).toMatchObject({ verdict: 'own-stake', notTake: 200n * TAO });
  });

  it('a little over the estimate (within a tenth of it) is not flagged; more is', () => {
    expect(estimateValidatorSetup(start(0n), end(3_325_609_756n + 332_000_000n)).verdict).toBe('ok');
    expect(estimateValidatorSetup(start(0n), end(3_325_609_756n + 333_000_000n)).verdict).toBe('own-stake');
  });

  it('an earlier period\'s take left staked is more than this period\'s take, but its rewards are a small part of the pool: ok', () => {
    // 3 TAO at the start grew by 0.036585365 TAO: 1.1 % of the 3.362195121 TAO accrued, under the twentieth that matters.
    const e = estimateValidatorSetup(start(3n * TAO), end(3n * TAO + 36_585_365n + 3_325_609_756n));
    expect(e).toMatchObject({ verdict: 'ok', unexplained: 3_036_585_365n, notTake: 36_585_365n });
  });

  it('the median growth ignores a nominator who added stake during the period', () => {
    const s = snapshot(300, 0n, { a: 1000n * TAO, b: 500n * TAO, c: 100n * TAO, d: 200n * TAO });
    const e = snapshot(600, 3n * TAO, { a: 1010n * TAO, b: 505n * TAO, c: 300n * TAO, d: 202n * TAO });
    // g = 1.01 (ratios 1.01, 1.01, 1.01, 3); nominator alpha max(1800, 2017) = 2017 TAO:
    // 2017 TAO × 0.01 × 0.18 / 0.82 = 4.427560975 TAO.
    expect(estimateValidatorSetup(s, e).takeAccrued).toBe(4_427_560_975n);
  });

  it('values each subnet at the newest price', () => {
    const on3 = (alpha: bigint) => ({ coldkey: 'a', stake: alpha / 4n, subnets: [{ netuid: 3, alpha, tao: alpha / 4n }] });
    const s = snapshot(300, 0n, {}, { nominators: [on3(2000n * TAO)], delegateSubnets: [] });
    const e = snapshot(600, TAO, {}, { nominators: [on3(2020n * TAO)], delegateSubnets: [], prices: [{ netuid: 3, num: 1n, den: 4n }] });
    // 2020 alpha × 0.01 × 0.18 / 0.82 = 4.434146341 alpha, at 1/4 TAO per alpha = 1.108536585 TAO.
    expect(estimateValidatorSetup(s, e).takeAccrued).toBe(1_108_536_585n);
  });

  it('cannot tell from one snapshot, or without a nominator staked at both', () => {
    const one = estimateValidatorSetup(start(0n), start(0n));
    expect(one).toMatchObject({ verdict: 'unknown', reason: 'needs a second snapshot' });
    expect(describeSetup(one)).toEqual(["validator setup: cannot tell yet: needs a second snapshot (block 300 is the period's only one)."]);
    const e = estimateValidatorSetup(snapshot(300, 0n, { a: TAO }), snapshot(600, TAO, { b: TAO }));
    expect(e.verdict).toBe('unknown');
    expect(describeSetup(e)[0]).toMatch(/cannot check over blocks 300–600: no nominator was staked at both snapshots/);
  });
});
