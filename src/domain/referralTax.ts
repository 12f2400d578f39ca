import { PPM, type Referral, type TaxMode, type User } from './types.js';
import { UserError } from '../util/errors.js';

/** Σ coefficient · base(user) / TaxForms.scale: a share written in the users' base shares. */
export type LinearForm = Array<{ user: string; coefficient: bigint }>;

/**
 * The referral tax as linear forms in the base shares, so that it is applied exactly to whatever the base shares
 * are (cheap bounds or exact fractions) and never rounded.
 *
 * Every coefficient is an integer over `scale` = (10^6)^D, D the most times one base share can be taxed on its way
 * up (1 in base mode, the deepest referral layer in compound mode): a share that passes k taxes t₁..t_k arrives as
 * Π tᵢ / 10^(6k), which is Π tᵢ · 10^(6(D−k)) over the scale. Tax only moves shares between users, so for every user
 * the coefficients of its base share in all the final forms add up to the scale.
 */
export interface TaxForms {
  scale: bigint;
  final: Map<string, LinearForm>;
  paid: Map<string, LinearForm>;
  received: Map<string, LinearForm>;
}

export function taxForms(users: readonly User[], referrals: readonly Referral[], mode: TaxMode): TaxForms {
  const graph = referralGraph(users, referrals);
  const deepest = Math.max(0, ...graph.depth.values());
  const times = graph.edgeOf.size === 0 ? 0 : mode === 'base' ? 1 : deepest;
  const empty = () => new Map<string, LinearForm>(users.map((u) => [u.name, []]));
  const forms: TaxForms = { scale: PPM ** BigInt(times), final: empty(), paid: empty(), received: empty() };
  for (const source of users) {
    // `reaching / 10^(6·taxed)` of the source's base share reaches `at`, to be taxed there if `at` has a referrer
    let at = source.name;
    let reaching = 1n;
    let taxed = 0;
    const add = (form: Map<string, LinearForm>, user: string, numerator: bigint, powers: number) => {
      if (numerator !== 0n) form.get(user)!.push({ user: source.name, coefficient: numerator * PPM ** BigInt(times - powers) });
    };
    for (;;) {
      const edge = graph.edgeOf.get(at);
      if (!edge) {
        add(forms.final, at, reaching, taxed);
        break;
      }
      add(forms.final, at, reaching * (PPM - edge.taxPpm), taxed + 1);
      add(forms.paid, at, reaching * edge.taxPpm, taxed + 1);
      reaching *= edge.taxPpm;
      taxed++;
      at = edge.referrer;
      add(forms.received, at, reaching, taxed);
      if (mode === 'base') {
        // tax mode base: what a referrer receives is not taxed again on its way further up
        add(forms.final, at, reaching, taxed);
        break;
      }
    }
  }
  return forms;
}

interface ReferralGraph {
  /** referee -> its referral edge */
  edgeOf: Map<string, Referral>;
  /** number of referrers above each user */
  depth: Map<string, number>;
}

function referralGraph(users: readonly User[], referrals: readonly Referral[]): ReferralGraph {
  const names = new Set(users.map((u) => u.name));
  const edgeOf = new Map<string, Referral>();
  for (const r of referrals) {
    for (const name of [r.referrer, r.referee]) {
      if (!names.has(name)) throw new UserError(`Referrals row ${r.row} names ${name}, who is not in Users`);
    }
    if (r.referrer === r.referee) throw new UserError(`Referrals row ${r.row}: ${r.referee} refers themself`);
    if (r.taxPpm < 0n || r.taxPpm > PPM) throw new UserError(`Referrals row ${r.row}: the tax must be 0..100 %`);
    if (edgeOf.has(r.referee)) throw new UserError(`Referrals row ${r.row}: ${r.referee} already has a referrer`);
    edgeOf.set(r.referee, r);
  }
  const depth = new Map<string, number>();
  const depthOf = (name: string, path: Set<string>): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    if (path.has(name)) throw new UserError(`the referrals form a cycle through ${[...path].join(' -> ')}`);
    path.add(name);
    const edge = edgeOf.get(name);
    const d = edge ? depthOf(edge.referrer, path) + 1 : 0;
    path.delete(name);
    depth.set(name, d);
    return d;
  };
  for (const u of users) depthOf(u.name, new Set());
  return { edgeOf, depth };
}
