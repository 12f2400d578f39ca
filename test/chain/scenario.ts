import type { StakeLedger } from './stake.js';
import type { StorageCodec } from './storageCodec.js';
import type { Overlay } from './storage.js';

export interface ValidatorScenario {
  hotkey: string;
  owner: string;
  /** The validator's take in parts per million: 180_000n = 18%. */
  takePpm: bigint;
  /** Ignored on legacy runtimes except netuid 0. */
  subnets: Array<{ netuid: number; subnetTao: bigint; subnetAlphaIn: bigint }>;
  /** RAO units; the owner's entries are the delegate stake. Legacy runtimes sum a coldkey's entries into `Stake`. */
  stakes: Array<{ coldkey: string; netuid: number; alpha: bigint }>;
  /** Alpha (legacy: RAO) emitted to the hotkey per subnet per block; default 0. */
  emissionPerBlock?: bigint;
}

export type StakeEra = 'dynamic' | 'legacy';

const PPM = 1_000_000n;

/** The take as `Delegates` stores it: a u16 fraction of 65535. */
export function takeToU16(takePpm: bigint): number {
  return Number((takePpm * 65_535n) / PPM);
}

/** Writes a validator and its nominators the way subtensor stores them. */
export function seedValidator(state: Overlay, codec: StorageCodec, ledger: StakeLedger, era: StakeEra, s: ValidatorScenario): void {
  const has = (item: string) => codec.has('SubtensorModule', item);
  codec.write(state, 'SubtensorModule', 'Owner', [s.hotkey], s.owner);
  codec.write(state, 'SubtensorModule', 'Delegates', [s.hotkey], takeToU16(s.takePpm));
  if (has('OwnedHotkeys')) {
    const owned = (codec.read(state, 'SubtensorModule', 'OwnedHotkeys', [s.owner]) as unknown as Array<{ toString(): string }>).map(String);
    if (!owned.includes(s.hotkey)) codec.write(state, 'SubtensorModule', 'OwnedHotkeys', [s.owner], [...owned, s.hotkey]);
  }
  if (era === 'legacy') {
    for (const st of s.stakes) ledger.addLegacyStake(state, s.hotkey, st.coldkey, st.alpha);
    return;
  }
  for (const sn of s.subnets) {
    codec.write(state, 'SubtensorModule', 'SubnetTAO', [sn.netuid], sn.subnetTao);
    codec.write(state, 'SubtensorModule', 'SubnetAlphaIn', [sn.netuid], sn.subnetAlphaIn);
    if (has('NetworksAdded')) codec.write(state, 'SubtensorModule', 'NetworksAdded', [sn.netuid], true);
    // A subnet whose token started, as every live subnet's has: transfer_stake is refused where it has not.
    if (has('SubtokenEnabled')) codec.write(state, 'SubtensorModule', 'SubtokenEnabled', [sn.netuid], true);
    if (has('IsNetworkMember')) codec.write(state, 'SubtensorModule', 'IsNetworkMember', [s.hotkey, sn.netuid], true);
  }
  for (const st of s.stakes) ledger.addAlpha(state, s.hotkey, st.coldkey, st.netuid, st.alpha);
}

/**
 * One block of emission for a seeded validator. dynamic: per subnet the take is staked as new shares
 * for the owner and the rest raises TotalHotkeyAlpha, so every holder's alpha grows pro rata.
 * legacy: the take adds to Stake(hotkey, owner), the rest is split pro rata over all stakers (rounded down).
 */
export function emit(state: Overlay, ledger: StakeLedger, era: StakeEra, s: ValidatorScenario): void {
  const amount = s.emissionPerBlock ?? 0n;
  if (amount === 0n) return;
  const take = (amount * s.takePpm) / PPM;
  const rest = amount - take;
  if (era === 'legacy') {
    const stakers = ledger.legacyStakers(state, s.hotkey);
    const total = stakers.reduce((sum, x) => sum + x.stake, 0n);
    if (total > 0n) for (const x of stakers) ledger.addLegacyStake(state, s.hotkey, x.coldkey, (rest * x.stake) / total);
    ledger.addLegacyStake(state, s.hotkey, s.owner, take);
    return;
  }
  const netuids = new Set(s.stakes.map((x) => x.netuid));
  for (const netuid of netuids) {
    ledger.growPool(state, s.hotkey, netuid, rest);
    ledger.addAlpha(state, s.hotkey, s.owner, netuid, take);
  }
}
