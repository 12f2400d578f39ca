import type { Rao } from './types.js';

/** Stake per coldkey per subnet, as one source reports it (alpha on dynamic runtimes, TAO on legacy ones). */
export type StakeBySubnet = ReadonlyMap<string, ReadonlyMap<number, bigint>>;

/**
 * How far a read may fall short of the runtime's own total.
 * - `exact`: legacy `Stake` entries are the very numbers `TotalHotkeyStake` adds up.
 * - `perHolder`: in a share pool the runtime values each coldkey's shares on their own and truncates (to a whole RAO,
 *   after fixed-point steps that each cut less than a RAO's 2^-64), so each holder gets at most one RAO less than its
 *   exact part of the pool and never more. The coldkeys of a subnet therefore add up to the pool, or fall short of it
 *   by at most one RAO per coldkey holding shares there: `0 <= TotalHotkeyAlpha - sum <= holders`. The same rule
 *   holds for the runtime's own `get_delegate` answer and for storage valued as the runtime values it.
 */
export type Rounding = 'exact' | 'perHolder';

export interface Mismatch {
  netuid: number;
  /** The sum over every coldkey (the owner included) of what the source reported. */
  read: Rao;
  /** The runtime's total for the hotkey on that subnet. */
  total: Rao;
  /** The largest shortfall the rounding explains (one RAO per holder; 0 for exact sources). */
  allowed: Rao;
}

/** Per subnet: the sum of the coldkeys' stake and how many coldkeys hold some. */
export function subnetSums(stake: StakeBySubnet): Map<number, { sum: bigint; holders: number }> {
  const sums = new Map<number, { sum: bigint; holders: number }>();
  for (const subnets of stake.values()) {
    for (const [netuid, amount] of subnets) {
      const s = sums.get(netuid) ?? { sum: 0n, holders: 0 };
      sums.set(netuid, { sum: s.sum + amount, holders: s.holders + (amount > 0n ? 1 : 0) });
    }
  }
  return sums;
}

/**
 * Every subnet where the read and the runtime's total disagree by more than the rounding explains; empty when the
 * read reconciles. A subnet missing on either side counts as zero there, so a read of nothing for a hotkey whose
 * totals are not zero is a mismatch on each such subnet.
 */
export function reconcile(stake: StakeBySubnet, totals: ReadonlyMap<number, bigint>, rounding: Rounding, holdersOnSubnet?: ReadonlyMap<number, number>): Mismatch[] {
  const sums = subnetSums(stake);
  const netuids = [...new Set([...sums.keys(), ...totals.keys()])].sort((a, b) => a - b);
  const mismatches: Mismatch[] = [];
  for (const netuid of netuids) {
    const read = sums.get(netuid)?.sum ?? 0n;
    const total = totals.get(netuid) ?? 0n;
    const holders = BigInt(holdersOnSubnet?.get(netuid) ?? sums.get(netuid)?.holders ?? 0);
    const allowed = rounding === 'exact' ? 0n : holders;
    const shortfall = total - read;
    const fits = shortfall >= 0n && shortfall <= allowed;
    if (!fits) mismatches.push({ netuid, read, total, allowed });
  }
  return mismatches;
}

export function stakeTotal(stake: StakeBySubnet): bigint {
  let total = 0n;
  for (const subnets of stake.values()) for (const amount of subnets.values()) total += amount;
  return total;
}
