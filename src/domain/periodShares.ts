import { Enclosed } from './enclosed.js';
import { FractionColumns } from './fractionColumns.js';
import { formatTao } from './tao.js';
import { compareNames } from './names.js';
import type { LinearForm } from './referralTax.js';
import type { Rao, User } from './types.js';
import { UserError } from '../util/errors.js';

export interface PeriodSnapshot {
  block: number;
  nominatorStake: Rao;
  /** Stake of every nominator coldkey at this snapshot (coldkeys of unregistered nominators may be present too). */
  stakeByColdkey: ReadonlyMap<string, Rao>;
}

/**
 * The period's base shares, base(u) = (1/n) Σ_s stake(u, s) / nominator_stake(s) over the n counted snapshots, as exact
 * fractions. Snapshots are added one at a time and only the registered users' stakes are kept (one 8-byte cell per
 * user and snapshot), so a period is read once and never held whole.
 */
export class PeriodShares {
  /** Sorted by name. */
  readonly users: readonly User[];
  /** Blocks of snapshots with zero nominator stake, left out of the mean. */
  readonly skipped: number[] = [];
  /** The registered coldkeys, each once, a user's together: addStakes takes their stakes in this order. */
  readonly coldkeys: readonly string[];
  /** Each user's coldkeys (in `users` order): addUserStakes takes the sum of each group. */
  readonly groups: readonly (readonly string[])[];
  /** The first block at which every registered coldkey counts: from there a user's stake is the sum of its group. */
  readonly wholeFrom: number;
  private countedSoFar = 0;
  private readonly columnOf: Map<string, number>;
  /** Per coldkey (in `coldkeys` order): its user's column, and the block from which its stake counts. */
  private readonly ownerColumn: Int32Array;
  private readonly countsFrom: Float64Array;
  /** One column per user in `users` order, then one for the registered users together. */
  private readonly sums: FractionColumns;

  /**
   * `countFrom`: the block from which each coldkey's stake counts (the Settings rule, src/domain/countFrom.ts); before
   * it, the coldkey is left out of its user's stake as if it held none. Without it every registered coldkey counts.
   */
  constructor(users: readonly User[], countFrom: ReadonlyMap<string, number> | null = null) {
    this.users = [...users].sort((a, b) => compareNames(a.name, b.name));
    this.columnOf = new Map(this.users.map((u, i) => [u.name, i]));
    const owners = coldkeyOwners(this.users, this.columnOf);
    this.coldkeys = [...owners.keys()];
    this.ownerColumn = Int32Array.from(owners.values());
    this.countsFrom = Float64Array.from(this.coldkeys, (coldkey) => (countFrom ? (countFrom.get(coldkey) ?? 0) : 0));
    const groups = this.users.map((): string[] => []);
    this.coldkeys.forEach((coldkey, i) => groups[this.ownerColumn[i]!]!.push(coldkey));
    this.groups = groups;
    this.wholeFrom = this.countsFrom.reduce((latest, from) => Math.max(latest, from), 0);
    this.sums = new FractionColumns(this.users.length + 1);
  }

  static of(users: readonly User[], snapshots: readonly PeriodSnapshot[], countFrom: ReadonlyMap<string, number> | null = null): PeriodShares {
    const shares = new PeriodShares(users, countFrom);
    for (const snapshot of snapshots) shares.add(snapshot);
    return shares;
  }

  get counted(): number {
    return this.countedSoFar;
  }

  add(snapshot: PeriodSnapshot): void {
    this.addStakes(snapshot.block, snapshot.nominatorStake, this.coldkeys.map((coldkey) => snapshot.stakeByColdkey.get(coldkey) ?? 0n));
  }

  /**
   * One snapshot given as the stake of each of `coldkeys`, in that order (how a period is read from the table, without
   * a map per snapshot). Returns the registered users' stake that counts at this block, as the Snapshots sheet shows
   * it (also for a snapshot left out of the mean for zero nominator stake).
   */
  addStakes(block: number, nominatorStake: Rao, stakes: ArrayLike<bigint>): Rao {
    if (stakes.length !== this.coldkeys.length) throw new Error(`PeriodShares: ${stakes.length} stakes for ${this.coldkeys.length} coldkeys`);
    const perColumn = new Array<bigint>(this.users.length + 1).fill(0n);
    for (let i = 0; i < stakes.length; i++) {
      if (this.countsFrom[i]! > block) continue;
      const amount = stakes[i]!;
      if (amount < 0n) throw new Error(`negative stake for ${this.coldkeys[i]} at block ${block}`);
      perColumn[this.ownerColumn[i]!] += amount;
    }
    return this.addColumns(block, nominatorStake, perColumn);
  }

  /**
   * One snapshot given as each user's stake (the sum of its `groups` coldkey stakes), from `wholeFrom` on, where the
   * rule counts every coldkey: a quarter of the values addStakes takes. Returns what addStakes returns.
   */
  addUserStakes(block: number, nominatorStake: Rao, byUser: ArrayLike<bigint>): Rao {
    if (byUser.length !== this.users.length) throw new Error(`PeriodShares: ${byUser.length} user stakes for ${this.users.length} users`);
    if (block < this.wholeFrom) throw new Error(`PeriodShares: at block ${block} not every coldkey counts yet (from ${this.wholeFrom}): give the coldkeys' stakes`);
    const perColumn = new Array<bigint>(this.users.length + 1);
    for (let column = 0; column < byUser.length; column++) {
      const amount = byUser[column]!;
      if (amount < 0n) throw new Error(`negative stake for ${this.users[column]!.name} at block ${block}`);
      perColumn[column] = amount;
    }
    return this.addColumns(block, nominatorStake, perColumn);
  }

  /** Adds a snapshot's stake per user column (the last column is filled here): the registered users' stake. */
  private addColumns(block: number, nominatorStake: Rao, perColumn: bigint[]): Rao {
    let registered = 0n;
    for (let column = 0; column < this.users.length; column++) registered += perColumn[column]!;
    if (nominatorStake <= 0n) {
      this.skipped.push(block);
      return registered;
    }
    if (registered > nominatorStake) {
      throw new UserError(
        `snapshot at block ${block}: registered users hold ${formatTao(registered)} TAO, more than the ` +
          `nominator stake ${formatTao(nominatorStake)} TAO; the snapshot record is inconsistent`,
      );
    }
    perColumn[this.users.length] = registered;
    this.sums.add(nominatorStake, perColumn);
    this.countedSoFar++;
    return registered;
  }

  /** multiplier · Σ coefficient · base(user) / scale. */
  share(multiplier: bigint, form: LinearForm, scale: bigint): Enclosed {
    return this.combination(multiplier, form.map((t) => ({ column: this.columnOf.get(t.user)!, coefficient: t.coefficient })), scale);
  }

  /** multiplier · Σ_u base(u), the registered users' total share (its own column: exact without every user's). */
  total(multiplier: bigint): Enclosed {
    return this.combination(multiplier, [{ column: this.users.length, coefficient: 1n }], 1n);
  }

  private combination(multiplier: bigint, terms: ReadonlyArray<{ column: number; coefficient: bigint }>, scale: bigint): Enclosed {
    if (this.counted === 0) throw new Error('PeriodShares: no snapshot with nominator stake');
    const { shift, low, width } = this.sums.bounds();
    const n = BigInt(this.counted);
    let lowSum = 0n;
    let widthSum = 0n;
    for (const { column, coefficient } of terms) {
      lowSum += coefficient * low[column]!;
      widthSum += coefficient * width[column]!;
    }
    return new Enclosed(multiplier * lowSum, multiplier * (lowSum + widthSum), (scale * n) << shift, () => {
      const numerator = terms.reduce((sum, t) => sum + t.coefficient * this.sums.exactNumerator(t.column), 0n);
      return { num: multiplier * numerator, den: scale * n * this.sums.commonDenominator() };
    });
  }
}

function coldkeyOwners(users: readonly User[], columnOf: ReadonlyMap<string, number>): Map<string, number> {
  const owners = new Map<string, number>();
  for (const u of users) {
    if (u.addresses.length === 0) throw new UserError(`user ${u.name} (Users row ${u.row}) has no coldkey`);
    for (const address of u.addresses) {
      const other = owners.get(address);
      if (other !== undefined && users[other]!.name !== u.name) {
        throw new UserError(`coldkey ${address} belongs to both ${users[other]!.name} and ${u.name}`);
      }
      owners.set(address, columnOf.get(u.name)!);
    }
  }
  return owners;
}

/**
 * The users' coldkeys grouped as PeriodShares groups them, or null while the Users sheet has what plan refuses (a user
 * without a coldkey, a coldkey of two users).
 */
export function userGroups(users: readonly User[]): ReadonlyArray<readonly string[]> | null {
  try {
    return new PeriodShares(users).groups;
  } catch (error) {
    if (error instanceof UserError) return null;
    throw error;
  }
}
