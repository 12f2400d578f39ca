import { describe, expect, it } from 'vitest';
import { taxForms } from '../../src/domain/referralTax.js';
import type { Referral, User } from '../../src/domain/types.js';

const users: User[] = ['alice', 'bob', 'carol'].map((name, i) => ({ name, addresses: [name], row: i + 2 }));
// alice refers bob at 10 %, bob refers carol at 20 %
const chain: Referral[] = [
  { referrer: 'alice', referee: 'bob', taxPpm: 100_000n, row: 2 },
  { referrer: 'bob', referee: 'carol', taxPpm: 200_000n, row: 3 },
];
const asObject = (form: Map<string, Array<{ user: string; coefficient: bigint }>>) =>
  Object.fromEntries([...form].map(([user, terms]) => [user, Object.fromEntries(terms.map((t) => [t.user, t.coefficient]))]));

describe('taxForms', () => {
  it('base mode: over 10^6, each referee keeps (1 − t) of its base and its referrer gets t of it', () => {
    const forms = taxForms(users, chain, 'base');
    expect(forms.scale).toBe(1_000_000n);
    expect(asObject(forms.final)).toEqual({
      alice: { alice: 1_000_000n, bob: 100_000n },
      bob: { bob: 900_000n, carol: 200_000n },
      carol: { carol: 800_000n },
    });
    expect(asObject(forms.paid)).toEqual({ alice: {}, bob: { bob: 100_000n }, carol: { carol: 200_000n } });
    expect(asObject(forms.received)).toEqual({ alice: { bob: 100_000n }, bob: { carol: 200_000n }, carol: {} });
  });

  it('compound mode: over 10^12 (two layers), carol\'s share is taxed again at bob on its way to alice', () => {
    const forms = taxForms(users, chain, 'compound');
    expect(forms.scale).toBe(10n ** 12n);
    // alice: all of her own, 10 % of bob's, 10 % of the 20 % of carol's that bob received (2 %)
    // bob: 90 % of his own and 90 % of 20 % of carol's (18 %); carol: 80 % of her own
    expect(asObject(forms.final)).toEqual({
      alice: { alice: 10n ** 12n, bob: 100_000n * 10n ** 6n, carol: 20_000n * 10n ** 6n },
      bob: { bob: 900_000n * 10n ** 6n, carol: 180_000n * 10n ** 6n },
      carol: { carol: 800_000n * 10n ** 6n },
    });
    expect(asObject(forms.paid)).toEqual({
      alice: {},
      bob: { bob: 100_000n * 10n ** 6n, carol: 20_000n * 10n ** 6n },
      carol: { carol: 200_000n * 10n ** 6n },
    });
  });

  it('without referrals every user keeps its base share, over a scale of 1', () => {
    const forms = taxForms(users, [], 'compound');
    expect(forms.scale).toBe(1n);
    expect(asObject(forms.final)).toEqual({ alice: { alice: 1n }, bob: { bob: 1n }, carol: { carol: 1n } });
  });
});
