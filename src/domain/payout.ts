import { apportion } from './apportion.js';
import { formatTao } from './tao.js';
import { PPM, type Rao, type Referral, type TaxMode, type User } from './types.js';
import { UserError } from '../util/errors.js';

/**
 * The payout math of DESIGN.md "The money, exactly", in integers only.
 *
 * Units. A per-snapshot share is fixed point with SHARE_SCALE (10^36, so a share of one RAO in 10^17 RAO still
 * has 19 significant digits). Within a snapshot the registered users' shares are apportioned by largest remainder
 * so that they add up to exactly floor(U·S/N) (U = registered users' stake, N = nominator stake): when every
 * nominator is a registered user the shares are exactly S and the whole pool is paid. base(u) is the sum of its
 * per-snapshot shares over the n counted snapshots, in units of 1/(n·S).
 *
 * Tax. Values are multiplied by TAX_SCALE = (10^6)^D, D = the most times any value can be taxed (1 in base mode,
 * the deepest referral layer in compound mode), so every `value · t / 10^6` is an exact integer (checked at run
 * time). Moving tax between registered users never changes the total, so Σ final = Σ base · TAX_SCALE.
 *
 * Amount. amount(u) = pool · final(u) / (n·S·TAX_SCALE) apportioned by largest remainder, so
 * Σ amount = floor(pool · Σ final / (n·S·TAX_SCALE)) exactly: "the pool times the registered users' total share,
 * rounded down". The share of nominators who are not registered users is not paid and stays in the pool.
 */
export const SHARE_SCALE = 10n ** 36n;

export interface PeriodSnapshot {
  block: number;
  nominatorStake: Rao;
  /** Stake of every nominator coldkey at this snapshot (coldkeys of unregistered nominators may be present too). */
  stakeByColdkey: ReadonlyMap<string, Rao>;
}

export interface PayoutInput {
  users: readonly User[];
  referrals: readonly Referral[];
  taxMode: TaxMode;
  /** The period's snapshots, or their shares already summed one snapshot at a time (a long period need not be held). */
  snapshots: readonly PeriodSnapshot[] | PeriodShares;
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

/**
 * base(u) summed one snapshot at a time: each snapshot's shares are apportioned when it is added, so a period of any
 * length needs memory for one snapshot only.
 */
export class PeriodShares {
  readonly users: readonly User[];
  readonly base: Map<string, bigint>;
  private countedSoFar = 0;
  /** Blocks of snapshots with zero nominator stake, left out of the mean. */
  readonly skipped: number[] = [];
  private readonly ownerOf: Map<string, string>;

  constructor(users: readonly User[]) {
    this.users = [...users].sort((a, b) => compareNames(a.name, b.name));
    this.ownerOf = coldkeyOwners(this.users);
    this.base = new Map(this.users.map((u) => [u.name, 0n]));
  }

  get counted(): number {
    return this.countedSoFar;
  }

  add(snapshot: PeriodSnapshot): void {
    if (snapshot.nominatorStake <= 0n) {
      this.skipped.push(snapshot.block);
      return;
    }
    this.countedSoFar++;
    const stake = new Map(this.users.map((u) => [u.name, 0n]));
    let registered = 0n;
    for (const [coldkey, amount] of snapshot.stakeByColdkey) {
      const owner = this.ownerOf.get(coldkey);
      if (owner === undefined) continue;
      if (amount < 0n) throw new Error(`negative stake for ${coldkey} at block ${snapshot.block}`);
      stake.set(owner, stake.get(owner)! + amount);
      registered += amount;
    }
    if (registered > snapshot.nominatorStake) {
      throw new UserError(
        `snapshot at block ${snapshot.block}: registered users hold ${formatTao(registered)} TAO, more than the ` +
          `nominator stake ${formatTao(snapshot.nominatorStake)} TAO; the snapshot record is inconsistent`,
      );
    }
    const shares = apportion(
      this.users.map((u) => ({ name: u.name, numerator: stake.get(u.name)! * SHARE_SCALE })),
      snapshot.nominatorStake,
    );
    for (const [name, share] of shares) this.base.set(name, this.base.get(name)! + share);
  }
}

function sharesOf(users: readonly User[], snapshots: readonly PeriodSnapshot[]): PeriodShares {
  const shares = new PeriodShares(users);
  for (const snapshot of snapshots) shares.add(snapshot);
  return shares;
}

export function computePayouts(input: PayoutInput): PayoutPlan {
  if (input.pool < 0n) throw new UserError(`the pool is negative (${formatTao(input.pool)} TAO)`);
  const period = input.snapshots instanceof PeriodShares ? input.snapshots : sharesOf(input.users, input.snapshots);
  const { users, base, counted, skipped } = period;
  if (users.length !== input.users.length || users.some((u) => !input.users.includes(u))) {
    throw new Error('computePayouts: the period shares were summed for other users than the ones being paid');
  }
  if (counted === 0) {
    throw new UserError('no snapshot in the period has any nominator stake, so no share can be computed');
  }

  const graph = referralGraph(users, input.referrals);
  const taxed = applyTax(users, base, graph, input.taxMode);

  const denominator = BigInt(counted) * SHARE_SCALE * taxed.scale;
  const earned = apportion(
    users.map((u) => ({ name: u.name, numerator: input.pool * taxed.final.get(u.name)! })),
    denominator,
  );
  const baseDenominator = BigInt(counted) * SHARE_SCALE;

  const rows: UserPayout[] = users.map((u) => {
    const address = u.addresses[0]!;
    const carriedIn = input.carriedIn.get(u.name) ?? 0n;
    if (carriedIn < 0n) throw new Error(`negative carry for ${u.name}`);
    const amount = earned.get(u.name)! + carriedIn;
    const reason = carryReason(amount, address, input);
    return {
      user: u.name,
      address,
      basePpb: (base.get(u.name)! * 1_000_000_000n) / baseDenominator,
      taxPaid: (input.pool * taxed.paid.get(u.name)!) / denominator,
      taxReceived: (input.pool * taxed.received.get(u.name)!) / denominator,
      earned: earned.get(u.name)!,
      carriedIn,
      amount,
      status: reason ? 'carried' : 'planned',
      reason,
    };
  });
  for (const [name, carriedIn] of [...input.carriedIn].sort(([a], [b]) => compareNames(a, b))) {
    if (users.some((u) => u.name === name) || carriedIn === 0n) continue;
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

/** Code-unit order: the same on every machine and locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function coldkeyOwners(users: readonly User[]): Map<string, string> {
  const owners = new Map<string, string>();
  for (const u of users) {
    if (u.addresses.length === 0) throw new UserError(`user ${u.name} (Users row ${u.row}) has no coldkey`);
    for (const address of u.addresses) {
      const other = owners.get(address);
      if (other !== undefined && other !== u.name) {
        throw new UserError(`coldkey ${address} belongs to both ${other} and ${u.name}`);
      }
      owners.set(address, u.name);
    }
  }
  return owners;
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

interface Taxed {
  scale: bigint;
  final: Map<string, bigint>;
  paid: Map<string, bigint>;
  received: Map<string, bigint>;
}

function applyTax(
  users: readonly User[],
  base: ReadonlyMap<string, bigint>,
  graph: ReferralGraph,
  mode: TaxMode,
): Taxed {
  const deepest = Math.max(0, ...graph.depth.values());
  const times = graph.edgeOf.size === 0 ? 0 : mode === 'base' ? 1 : deepest;
  const scale = PPM ** BigInt(times);
  const paid = new Map(users.map((u) => [u.name, 0n]));
  const received = new Map(users.map((u) => [u.name, 0n]));
  const exactTax = (value: bigint, taxPpm: bigint) => {
    const product = value * taxPpm;
    if (product % PPM !== 0n) throw new Error('referral tax is not exact: the tax scale is too small');
    return product / PPM;
  };
  // Deepest layer first: in compound mode a referee's tax includes what its own referees paid it.
  const order = [...users].sort(
    (a, b) => graph.depth.get(b.name)! - graph.depth.get(a.name)! || compareNames(a.name, b.name),
  );
  for (const u of order) {
    const edge = graph.edgeOf.get(u.name);
    if (!edge) continue;
    const own = base.get(u.name)! * scale;
    const taxable = mode === 'base' ? own : own + received.get(u.name)!;
    const tax = exactTax(taxable, edge.taxPpm);
    paid.set(u.name, tax);
    received.set(edge.referrer, received.get(edge.referrer)! + tax);
  }
  const final = new Map(
    users.map((u) => [u.name, base.get(u.name)! * scale + received.get(u.name)! - paid.get(u.name)!]),
  );
  return { scale, final, paid, received };
}
