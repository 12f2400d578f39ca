import { largestRemainder } from './apportion.js';
import { compareNames, nameKey } from './names.js';
import { PeriodShares, type PeriodSnapshot } from './periodShares.js';
import { taxForms, type LinearForm } from './referralTax.js';
import { formatTao } from './tao.js';
import type { Rao, Referral, TaxMode, User } from './types.js';
import { UserError } from '../util/errors.js';

/**
 * The payout math of DESIGN.md "The money, exactly": every amount is decided by the exact fractions.
 *
 * base(u) is the exact mean of the per-snapshot shares (PeriodShares); the referral tax writes each final share as an
 * integer combination of base shares (referralTax.ts), so no tax is rounded. amount(u) = floor(pool · final(u)),
 * plus one RAO each to the largest remainders (ties by name) up to floor(pool · Σ final): "the pool times the
 * registered users' total share, rounded down". Tax only moves shares between users, so Σ final = Σ base. The share
 * of nominators who are not registered users is not paid and stays in the pool. The displayed base share and tax are
 * the exact values rounded down.
 */
export interface PayoutInput {
  users: readonly User[];
  referrals: readonly Referral[];
  taxMode: TaxMode;
  /** The period's snapshots, or their shares already summed one snapshot at a time (a long period need not be held). */
  snapshots: readonly PeriodSnapshot[] | PeriodShares;
  /** With snapshots given as a list: the block from which each coldkey counts (src/domain/countFrom.ts); all, without. */
  countFrom?: ReadonlyMap<string, number>;
  pool: Rao;
  /** Amounts carried from the last closed period, by user name. */
  carriedIn: ReadonlyMap<string, Rao>;
  /** Whether the payout address already exists on chain (a new account must receive at least the existential deposit). */
  accountExists: (address: string) => boolean;
  existentialDeposit: Rao;
}

export interface UserPayout {
  user: string;
  /** The payout address (the user's first coldkey); empty for a carry of a user no longer in Users. */
  address: string;
  /** base(u) in parts per billion, rounded down (for people; the math uses the exact value). */
  basePpb: bigint;
  /** Referral tax this user paid / received, in RAO of the pool, rounded down (for people). */
  taxPaid: Rao;
  taxReceived: Rao;
  /** This period's allocation after tax; these add up exactly to PayoutPlan.allocated. */
  earned: Rao;
  carriedIn: Rao;
  /** earned + carriedIn: what is sent now (`planned`) or carried to the next period (`carried`). */
  amount: Rao;
  status: 'planned' | 'carried';
  /** Why a row is carried; empty for planned rows. */
  reason: string;
}

export interface PayoutPlan {
  rows: UserPayout[];
  /** Σ earned = floor(pool · registered users' total final share). */
  allocated: Rao;
  /** Σ amount of planned rows. */
  toSend: Rao;
  /** Σ amount of carried rows. */
  carried: Rao;
  countedSnapshots: number;
  /** Blocks of snapshots with zero nominator stake, left out of the mean (no share can be defined there). */
  skippedSnapshots: number[];
}

export function computePayouts(input: PayoutInput): PayoutPlan {
  if (input.pool < 0n) throw new UserError(`the pool is negative (${formatTao(input.pool)} TAO)`);
  const period = input.snapshots instanceof PeriodShares ? input.snapshots : PeriodShares.of(input.users, input.snapshots, input.countFrom ?? null);
  const { users, counted, skipped } = period;
  if (users.length !== input.users.length || users.some((u) => !input.users.includes(u))) {
    throw new Error('computePayouts: the period shares were summed for other users than the ones being paid');
  }
  if (counted === 0) {
    throw new UserError('no snapshot in the period has any nominator stake, so no share can be computed');
  }

  const tax = taxForms(users, input.referrals, input.taxMode);
  const inPool = (form: Map<string, LinearForm>, name: string) => period.share(input.pool, form.get(name)!, tax.scale);
  const earned = largestRemainder(
    users.map((u) => ({ name: u.name, value: inPool(tax.final, u.name) })),
    period.total(input.pool).floor(),
  );

  // Carries are owed to a user, not to a spelling: the README's rule makes "alice" and "Alice" the same user, so a
  // rename between plans keeps the carry (names are matched by nameKey, and carries under two spellings add up).
  const carryByKey = new Map<string, Rao>();
  for (const [name, carry] of input.carriedIn) carryByKey.set(nameKey(name), (carryByKey.get(nameKey(name)) ?? 0n) + carry);
  const rows: UserPayout[] = users.map((u) => {
    const address = u.addresses[0]!;
    const carriedIn = carryByKey.get(nameKey(u.name)) ?? 0n;
    if (carriedIn < 0n) throw new Error(`negative carry for ${u.name}`);
    const amount = earned.get(u.name)! + carriedIn;
    const reason = carryReason(amount, address, input);
    return {
      user: u.name,
      address,
      basePpb: period.share(PPB, [{ user: u.name, coefficient: 1n }], 1n).floor(),
      taxPaid: inPool(tax.paid, u.name).floor(),
      taxReceived: inPool(tax.received, u.name).floor(),
      earned: earned.get(u.name)!,
      carriedIn,
      amount,
      status: reason ? 'carried' : 'planned',
      reason,
    };
  });
  for (const [name, carriedIn] of [...input.carriedIn].sort(([a], [b]) => compareNames(a, b))) {
    if (users.some((u) => nameKey(u.name) === nameKey(name)) || carriedIn === 0n) continue;
    rows.push({
      user: name,
      address: '',
      basePpb: 0n,
      taxPaid: 0n,
      taxReceived: 0n,
      earned: 0n,
      carriedIn,
      amount: carriedIn,
      status: 'carried',
      reason: 'not in Users any more: add the user back to pay this carry',
    });
  }

  const sum = (status: UserPayout['status']) =>
    rows.filter((r) => r.status === status).reduce((acc, r) => acc + r.amount, 0n);
  return {
    rows,
    allocated: rows.reduce((acc, r) => acc + r.earned, 0n),
    toSend: sum('planned'),
    carried: sum('carried'),
    countedSnapshots: counted,
    skippedSnapshots: skipped,
  };
}

function carryReason(amount: Rao, address: string, input: PayoutInput): string {
  if (amount === 0n) return 'nothing to send this period';
  if (amount < input.existentialDeposit && !input.accountExists(address)) {
    return `new account: ${formatTao(amount)} TAO is below the existential deposit of ${formatTao(input.existentialDeposit)} TAO`;
  }
  return '';
}

const PPB = 1_000_000_000n;
