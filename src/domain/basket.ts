import { encodeSs58 } from './ss58.js';

/**
 * subtensor's basket escrow (spec 441+, "Root Reborn"): one coldkey, `SubtensorPalletId` (`subtensr`) sub-account
 * `beta/esc`, holds every validator's root-dividend basket as ordinary positions on the validator's hotkey
 * (`get_beta_escrow_account_id` in `pallets/subtensor/src/staking/claim_root.rs`). Its 32 bytes are
 * `"modl" ++ "subtensr" ++ "beta/esc"` then zeros (`into_sub_account_truncating`). No one controls it: it is never a
 * nominator, on any runtime.
 */
export const ESCROW_COLDKEY = encodeSs58(
  Uint8Array.from([...new TextEncoder().encode('modlsubtensrbeta/esc'), ...new Uint8Array(12)]),
  42,
);

export function isEscrow(coldkey: string): boolean {
  return coldkey === ESCROW_COLDKEY;
}

/** A validator's basket as the runtime keeps it (`claim_root.rs`). */
export interface BasketState {
  /** `BasketShares(hotkey)`: fund shares outstanding (u64). */
  shares: bigint;
  /** `BasketRate(hotkey)`: I96F32 bits (value × 2^32), fund shares per unit of root stake. */
  rateBits: bigint;
  /** `BasketClaimed(hotkey, coldkey)`: each staker's signed watermark (i128), in fund shares. */
  claimed: ReadonlyMap<string, bigint>;
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * A staker's owed fund shares, as `get_basket_owed_shares` computes them: `rate × root_stake − claimed` in I96F32
 * (the product of a fixed-point rate and an integer stake is exact), floored at zero, truncated to u64; and, as
 * `root_claim_for_hotkey` does, never more than the shares outstanding.
 */
export function owedShares(basket: BasketState, rootStake: bigint, claimed: bigint): bigint {
  const owedBits = basket.rateBits * rootStake - (claimed << 32n);
  if (owedBits <= 0n) return 0n;
  const owed = owedBits >> 32n;
  const capped = owed > U64_MAX ? U64_MAX : owed;
  return capped < basket.shares ? capped : basket.shares;
}

export interface BasketAttribution {
  /** Each staker's part of the escrow's holdings, alpha per subnet (only non-zero parts). */
  parts: Map<string, Map<number, bigint>>;
  /** What is left with the escrow: its holdings less every part (rounding dust, shares no staker is owed). */
  left: Map<number, bigint>;
  /** Each staker's owed fund shares, for the record (a plan can be recomputed from it). */
  owed: Map<string, bigint>;
}

/**
 * Look-through: the escrow's holdings on a hotkey belong to the hotkey's root stakers by what each can claim. A claim
 * redeems `owed / BasketShares` of every holding, each slice floored (`mul_div_u64(slot_alpha, owed, P)` in
 * `root_claim_for_hotkey`), so that is each staker's part here too. Stakers are every coldkey with root stake on the
 * hotkey and every coldkey with a watermark (a negative one is a share grant that needs no root stake).
 */
export function attributeBasket(
  holdings: ReadonlyMap<number, bigint>,
  basket: BasketState,
  rootStake: ReadonlyMap<string, bigint>,
): BasketAttribution {
  const parts = new Map<string, Map<number, bigint>>();
  const owed = new Map<string, bigint>();
  const left = new Map(holdings);
  if (basket.shares === 0n) return { parts, left, owed };
  const stakers = [...new Set([...rootStake.keys(), ...basket.claimed.keys()])].filter((c) => !isEscrow(c)).sort();
  for (const coldkey of stakers) {
    const shares = owedShares(basket, rootStake.get(coldkey) ?? 0n, basket.claimed.get(coldkey) ?? 0n);
    if (shares === 0n) continue;
    owed.set(coldkey, shares);
    const part = new Map<number, bigint>();
    for (const [netuid, alpha] of holdings) {
      const slice = (alpha * shares) / basket.shares;
      if (slice === 0n) continue;
      part.set(netuid, slice);
      left.set(netuid, left.get(netuid)! - slice);
    }
    if (part.size > 0) parts.set(coldkey, part);
  }
  const total = [...owed.values()].reduce((sum, o) => sum + o, 0n);
  // The runtime keeps Σ owed == BasketShares, so floored owed shares never add up to more.
  if (total > basket.shares) throw new Error(`the basket owes ${total} fund shares but has ${basket.shares} outstanding`);
  for (const [netuid, alpha] of left) if (alpha === 0n) left.delete(netuid);
  return { parts, left, owed };
}

/** Alpha per coldkey per subnet (the owner and the escrow included), as read from the chain. */
type Stake = Map<string, Map<number, bigint>>;

export interface SeparatedEscrow {
  /** What stays with the escrow: all its holdings, or after look-through only what no claim covers. */
  left: Map<number, bigint>;
  basket?: { holdings: Array<[number, bigint]>; shares: bigint; owed: Array<[string, bigint]> };
}

/**
 * Takes the basket escrow out of the coldkeys (in place): where the runtime has the basket maps, each staker's part
 * of its holdings is added to that staker's alpha (a root staker's stake includes their part of the basket), and only
 * what no claim covers stays with the escrow. Null escrow: it holds nothing on this hotkey.
 */
export function separateEscrow(stake: Stake, basket: BasketState | null): { stake: Stake; escrow: SeparatedEscrow | null } {
  const holdings = stake.get(ESCROW_COLDKEY);
  if (!holdings) return { stake, escrow: null };
  stake.delete(ESCROW_COLDKEY);
  if (!basket) return { stake, escrow: { left: holdings } };
  const root = new Map<string, bigint>();
  for (const [coldkey, subnets] of stake) if (subnets.has(0)) root.set(coldkey, subnets.get(0)!);
  const attributed = attributeBasket(holdings, basket, root);
  for (const [coldkey, part] of attributed.parts) {
    let subnets = stake.get(coldkey);
    if (!subnets) stake.set(coldkey, (subnets = new Map()));
    for (const [netuid, alpha] of part) subnets.set(netuid, (subnets.get(netuid) ?? 0n) + alpha);
  }
  return {
    stake,
    escrow: { left: attributed.left, basket: { holdings: [...holdings].sort(([a], [b]) => a - b), shares: basket.shares, owed: [...attributed.owed] } },
  };
}
