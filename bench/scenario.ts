import { createHash } from 'node:crypto';
import { encodeAddress } from '@polkadot/util-crypto';
import type { NominatorStake, PayoutRow, Rao, Referral, SubnetPrice, SubnetStake, User, ValidatorSnapshot } from '../src/domain/types.js';
import { PPM, RAO_PER_TAO } from '../src/domain/types.js';
import { planFingerprint, planIdFor } from '../src/domain/period.js';
import { Prng } from './prng.js';

/**
 * The bench's validator: the size issue 6 names (5,000 nominators on 4 subnets, 500 users holding 2,000 coldkeys,
 * referrals 6 layers deep, a year of hourly snapshots, weekly payouts), generated from a seed. Every snapshot is a
 * pure function of (seed, index), so a year never has to sit in memory at once.
 */
export interface ScenarioSize {
  nominators: number;
  users: number;
  userColdkeys: number;
  referralDepth: number;
  snapshots: number;
  snapshotsPerPayout: number;
}

export const BIG_VALIDATOR: ScenarioSize = {
  nominators: 5_000,
  users: 500,
  userColdkeys: 2_000,
  referralDepth: 6,
  snapshots: 8_760,
  snapshotsPerPayout: 168,
};

export const BLOCKS_PER_SNAPSHOT = 300;
export const SECONDS_PER_BLOCK = 12;
export const FIRST_BLOCK = 4_000_200;
export const FIRST_TIME = Date.UTC(2026, 0, 1);
/** 18% take as subtensor stores it (a fraction of u16::MAX). */
export const TAKE_U16 = 11_796n;

export interface SubnetPool {
  netuid: number;
  subnetTao: Rao;
  subnetAlphaIn: bigint;
  /** Per mille per year by which the subnet's TAO reserve drifts (its alpha price moves with it). */
  driftPerMille: bigint;
}

interface Position {
  netuid: number;
  alpha: bigint;
}

export interface Nominator {
  coldkey: string;
  positions: Position[];
  /** Per mille per year by which each position grows (or shrinks). */
  ratePerMille: bigint;
  /** Snapshots [from, until) in which the nominator has stake. */
  from: number;
  until: number;
}

export interface Scenario {
  seed: number;
  size: ScenarioSize;
  hotkey: string;
  owner: string;
  takePpm: bigint;
  subnets: SubnetPool[];
  nominators: Nominator[];
  users: User[];
  referrals: Referral[];
  /** The owner's own stake per subnet right after a payout, and what the take adds to it every snapshot. */
  delegateBase: Position[];
  delegatePerSnapshot: Position[];
}

function address(prng: Prng): string {
  return encodeAddress(prng.bytes(32), 42);
}

/** A stake between 0.01 and ~5,000 TAO, spread evenly over the decades like real nominators. */
function stakeAmount(prng: Prng): bigint {
  const decade = 10n ** BigInt(prng.between(7, 12));
  return decade + prng.bigBetween(0n, decade * 4n);
}

export function generateScenario(seed: number, size: ScenarioSize = BIG_VALIDATOR): Scenario {
  const prng = new Prng(seed);
  const hotkey = address(prng);
  const owner = address(prng);
  const subnets: SubnetPool[] = [
    { netuid: 0, subnetTao: 0n, subnetAlphaIn: 0n, driftPerMille: 0n },
    { netuid: 1, subnetTao: 120_000n * RAO_PER_TAO, subnetAlphaIn: 1_500_000n * RAO_PER_TAO, driftPerMille: 300n },
    { netuid: 11, subnetTao: 40_000n * RAO_PER_TAO, subnetAlphaIn: 2_200_000n * RAO_PER_TAO, driftPerMille: -200n },
    { netuid: 64, subnetTao: 300_000n * RAO_PER_TAO, subnetAlphaIn: 900_000n * RAO_PER_TAO, driftPerMille: 500n },
  ];
  const nominators: Nominator[] = [];
  for (let j = 0; j < size.nominators; j++) {
    const count = prng.int(10) < 7 ? 1 : prng.between(2, subnets.length);
    const netuids = [...subnets.map((s) => s.netuid)];
    const positions: Position[] = [];
    for (let p = 0; p < count; p++) positions.push({ netuid: netuids.splice(prng.int(netuids.length), 1)[0]!, alpha: stakeAmount(prng) });
    positions.sort((a, b) => a.netuid - b.netuid);
    const churn = prng.int(10);
    const from = churn === 0 ? prng.int(size.snapshots) : 0;
    const until = churn === 1 ? prng.between(1, size.snapshots) : size.snapshots;
    nominators.push({ coldkey: address(prng), positions, ratePerMille: BigInt(prng.between(-300, 800)), from, until });
  }

  // 2,000 of the nominators' coldkeys belong to the 500 users: one each, the rest spread at random.
  const counts = Array.from({ length: size.users }, () => 1);
  for (let extra = size.users; extra < size.userColdkeys; extra++) counts[prng.int(size.users)]!++;
  const users: User[] = [];
  let next = 0;
  for (let u = 0; u < size.users; u++) {
    const addresses = nominators.slice(next, next + counts[u]!).map((n) => n.coldkey);
    next += counts[u]!;
    users.push({ name: `user${String(u + 1).padStart(4, '0')}`, addresses, row: u + 3 });
  }

  // A forest: the first fifth are roots, one chain reaches the full depth, the rest hang under a random shallower user.
  const depth = new Map<string, number>();
  const referrals: Referral[] = [];
  const roots = Math.max(1, Math.floor(size.users / 5));
  users.forEach((user, u) => {
    let referrer: User | null = null;
    if (u >= roots && u < roots + size.referralDepth) referrer = users[u === roots ? 0 : u - 1]!;
    else if (u >= roots && prng.int(10) < 8) {
      const candidates = users.slice(0, u).filter((c) => (depth.get(c.name) ?? 0) < size.referralDepth);
      referrer = prng.pick(candidates);
    }
    depth.set(user.name, referrer ? (depth.get(referrer.name) ?? 0) + 1 : 0);
    if (referrer) {
      const taxPpm = BigInt(prng.between(1, 60)) * 5_000n;
      referrals.push({ referrer: referrer.name, referee: user.name, taxPpm, row: referrals.length + 3 });
    }
  });

  const delegateBase = subnets.map((s) => ({ netuid: s.netuid, alpha: stakeAmount(prng) }));
  const delegatePerSnapshot = subnets.map((s) => ({ netuid: s.netuid, alpha: prng.bigBetween(10n ** 8n, 10n ** 9n) }));
  return { seed, size, hotkey, owner, takePpm: (TAKE_U16 * PPM) / 65_535n, subnets, nominators, users, referrals, delegateBase, delegatePerSnapshot };
}

export function blockOf(index: number): number {
  return FIRST_BLOCK + index * BLOCKS_PER_SNAPSHOT;
}

export function blockHashOf(seed: number, index: number): string {
  return `0x${createHash('sha256').update(`valtrac-bench:${seed}:${index}`).digest('hex')}`;
}

/** Reserves of each subnet at snapshot `index` (the alpha price drifts over the year). */
export function poolsAt(scenario: Scenario, index: number): SubnetPool[] {
  const year = BigInt(scenario.size.snapshots) * 1000n;
  return scenario.subnets.map((s) => ({ ...s, subnetTao: s.subnetTao + (s.subnetTao * s.driftPerMille * BigInt(index)) / year }));
}

export function pricesAt(scenario: Scenario, index: number): SubnetPrice[] {
  return poolsAt(scenario, index).map((s) => (s.netuid === 0 ? { netuid: 0, num: 1n, den: 1n } : { netuid: s.netuid, num: s.subnetTao, den: s.subnetAlphaIn }));
}

/** Each nominator's alpha per subnet at snapshot `index`: empty outside the nominator's active window. */
export function positionsAt(scenario: Scenario, nominator: Nominator, index: number): Position[] {
  if (index < nominator.from || index >= nominator.until) return [];
  const year = BigInt(scenario.size.snapshots) * 1000n;
  return nominator.positions.map((p) => ({ netuid: p.netuid, alpha: p.alpha + (p.alpha * nominator.ratePerMille * BigInt(index)) / year }));
}

export function delegateAt(scenario: Scenario, index: number): Position[] {
  const sinceLastPayout = BigInt(index % scenario.size.snapshotsPerPayout);
  return scenario.delegateBase.map((p, i) => ({ netuid: p.netuid, alpha: p.alpha + scenario.delegatePerSnapshot[i]!.alpha * sinceLastPayout }));
}

/** The snapshot the chain would have returned at snapshot `index`, valued the way readValidator values it. */
export function snapshotAt(scenario: Scenario, index: number): ValidatorSnapshot {
  const prices = pricesAt(scenario, index);
  const priceOf = new Map(prices.map((p) => [p.netuid, p]));
  const value = (positions: Position[]): SubnetStake[] =>
    positions.map((p) => {
      const price = priceOf.get(p.netuid)!;
      return { netuid: p.netuid, alpha: p.alpha, tao: (p.alpha * price.num) / price.den };
    });
  const sum = (subnets: SubnetStake[]) => subnets.reduce((total, s) => total + s.tao, 0n);
  const nominators: NominatorStake[] = [];
  for (const n of scenario.nominators) {
    const subnets = value(positionsAt(scenario, n, index));
    if (subnets.length > 0) nominators.push({ coldkey: n.coldkey, stake: sum(subnets), subnets });
  }
  const delegateSubnets = value(delegateAt(scenario, index));
  const delegateStake = sum(delegateSubnets);
  return {
    block: blockOf(index),
    blockHash: blockHashOf(scenario.seed, index),
    time: new Date(FIRST_TIME + index * BLOCKS_PER_SNAPSHOT * SECONDS_PER_BLOCK * 1000),
    hotkey: scenario.hotkey,
    owner: scenario.owner,
    takePpm: scenario.takePpm,
    era: 'dynamic',
    totalStake: nominators.reduce((total, n) => total + n.stake, delegateStake),
    delegateStake,
    nominators,
    delegateSubnets,
    prices,
  };
}

/**
 * The paid rows of one weekly payout, for filling a year's Payouts sheet at its real size. Amounts are plausible, not
 * recomputed: the bench measures the plan itself on its own rows.
 */
export function paidRows(scenario: Scenario, week: number, prng: Prng): PayoutRow[] {
  const fromBlock = blockOf(week * scenario.size.snapshotsPerPayout);
  const toBlock = blockOf((week + 1) * scenario.size.snapshotsPerPayout - 1);
  const pool = prng.bigBetween(50n * RAO_PER_TAO, 80n * RAO_PER_TAO);
  const extrinsicHash = `0x${createHash('sha256').update(`paid:${scenario.seed}:${week}`).digest('hex')}`;
  const blockHash = `0x${createHash('sha256').update(`paid-block:${scenario.seed}:${week}`).digest('hex')}`;
  const rows = scenario.users.map((user): PayoutRow => {
    const amount = prng.bigBetween(1_000n, pool / 100n);
    return {
      planId: '',
      status: 'paid',
      fromBlock,
      toBlock,
      pool,
      user: user.name,
      address: user.addresses[0]!,
      basePpb: prng.bigBetween(0n, 10_000_000n),
      taxPaid: prng.int(3) === 0 ? amount / 10n : 0n,
      taxReceived: prng.int(4) === 0 ? amount / 20n : 0n,
      amount,
      batch: 1,
      extrinsicHash,
      blockNumber: toBlock + 7,
      blockHash,
      note: '',
      delivered: amount,
    };
  });
  const planId = planIdFor(toBlock, planFingerprint(rows));
  return rows.map((r) => ({ ...r, planId }));
}
