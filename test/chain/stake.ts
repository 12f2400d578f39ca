import type { Codec } from '@polkadot/types/types';
import type { StorageCodec } from './storageCodec.js';
import type { Overlay, StateView } from './storage.js';

/** U64F64 fixed point as stored (`{ bits: u128 }` = value * 2^64). */
export const U64F64_ONE = 1n << 64n;

const big = (c: Codec | null): bigint => (c === null ? 0n : BigInt((c as unknown as { toString(): string }).toString()));
const bits = (c: Codec | null): bigint => (c === null ? 0n : BigInt((c as unknown as { bits: Codec }).bits.toString()));

/**
 * Stake as the runtime stores it. dynamic: per-subnet share pools
 * (`Alpha` shares, `TotalHotkeyShares`, `TotalHotkeyAlpha`); legacy: `Stake(hotkey, coldkey)` in RAO.
 */
export class StakeLedger {
  constructor(private readonly codec: StorageCodec) {}

  totalAlpha(view: StateView, hotkey: string, netuid: number): bigint {
    return big(this.codec.read(view, 'SubtensorModule', 'TotalHotkeyAlpha', [hotkey, netuid]));
  }

  totalShares(view: StateView, hotkey: string, netuid: number): bigint {
    return bits(this.codec.read(view, 'SubtensorModule', 'TotalHotkeyShares', [hotkey, netuid]));
  }

  shares(view: StateView, hotkey: string, coldkey: string, netuid: number): bigint {
    return bits(this.codec.read(view, 'SubtensorModule', 'Alpha', [hotkey, coldkey, netuid]));
  }

  /** A coldkey's alpha: its shares valued at the pool's TotalHotkeyAlpha / TotalHotkeyShares. */
  alpha(view: StateView, hotkey: string, coldkey: string, netuid: number): bigint {
    const total = this.totalShares(view, hotkey, netuid);
    return total === 0n ? 0n : (this.shares(view, hotkey, coldkey, netuid) * this.totalAlpha(view, hotkey, netuid)) / total;
  }

  private setShares(state: Overlay, hotkey: string, coldkey: string, netuid: number, value: bigint): void {
    this.codec.write(state, 'SubtensorModule', 'Alpha', [hotkey, coldkey, netuid], value === 0n ? null : { bits: value });
  }

  /** Stakes new alpha for a coldkey, minting shares at the pool's current price. */
  addAlpha(state: Overlay, hotkey: string, coldkey: string, netuid: number, amount: bigint): void {
    const totalAlpha = this.totalAlpha(state, hotkey, netuid);
    const totalShares = this.totalShares(state, hotkey, netuid);
    const minted = totalShares === 0n || totalAlpha === 0n ? amount * U64F64_ONE : (amount * totalShares) / totalAlpha;
    this.setShares(state, hotkey, coldkey, netuid, this.shares(state, hotkey, coldkey, netuid) + minted);
    this.codec.write(state, 'SubtensorModule', 'TotalHotkeyShares', [hotkey, netuid], { bits: totalShares + minted });
    this.codec.write(state, 'SubtensorModule', 'TotalHotkeyAlpha', [hotkey, netuid], totalAlpha + amount);
    this.addStakingHotkey(state, coldkey, hotkey);
  }

  /** Emission that every holder shares pro rata: the pool's alpha grows, its shares do not. */
  growPool(state: Overlay, hotkey: string, netuid: number, amount: bigint): void {
    this.codec.write(state, 'SubtensorModule', 'TotalHotkeyAlpha', [hotkey, netuid], this.totalAlpha(state, hotkey, netuid) + amount);
  }

  /** Moves `alpha` worth of shares between coldkeys on one hotkey and subnet; false when `from` holds too little. */
  moveAlpha(state: Overlay, hotkey: string, from: string, to: string, netuid: number, alpha: bigint): boolean {
    if (alpha > this.alpha(state, hotkey, from, netuid)) return false;
    const totalAlpha = this.totalAlpha(state, hotkey, netuid);
    const moved = (alpha * this.totalShares(state, hotkey, netuid)) / totalAlpha;
    this.setShares(state, hotkey, from, netuid, this.shares(state, hotkey, from, netuid) - moved);
    this.setShares(state, hotkey, to, netuid, this.shares(state, hotkey, to, netuid) + moved);
    this.addStakingHotkey(state, to, hotkey);
    return true;
  }

  /** Every (coldkey, netuid) with shares on a hotkey, valued in alpha, from an `Alpha` prefix scan. */
  nominators(view: StateView, hotkey: string): Array<{ coldkey: string; netuid: number; alpha: bigint }> {
    const out: Array<{ coldkey: string; netuid: number; alpha: bigint }> = [];
    for (const key of view.keys(this.codec.prefix('SubtensorModule', 'Alpha', [hotkey]))) {
      const [, coldkey, netuid] = this.codec.keyArgs('SubtensorModule', 'Alpha', key);
      const alpha = this.alpha(view, hotkey, coldkey.toString(), Number(netuid.toString()));
      if (alpha > 0n) out.push({ coldkey: coldkey.toString(), netuid: Number(netuid.toString()), alpha });
    }
    return out;
  }

  legacyStake(view: StateView, hotkey: string, coldkey: string): bigint {
    return big(this.codec.read(view, 'SubtensorModule', 'Stake', [hotkey, coldkey]));
  }

  addLegacyStake(state: Overlay, hotkey: string, coldkey: string, amount: bigint): void {
    this.codec.write(state, 'SubtensorModule', 'Stake', [hotkey, coldkey], this.legacyStake(state, hotkey, coldkey) + amount);
    const total = big(this.codec.read(state, 'SubtensorModule', 'TotalHotkeyStake', [hotkey]));
    this.codec.write(state, 'SubtensorModule', 'TotalHotkeyStake', [hotkey], total + amount);
    if (this.codec.has('SubtensorModule', 'TotalColdkeyStake')) {
      const ck = big(this.codec.read(state, 'SubtensorModule', 'TotalColdkeyStake', [coldkey]));
      this.codec.write(state, 'SubtensorModule', 'TotalColdkeyStake', [coldkey], ck + amount);
    }
    this.addStakingHotkey(state, coldkey, hotkey);
  }

  legacyStakers(view: StateView, hotkey: string): Array<{ coldkey: string; stake: bigint }> {
    return view.keys(this.codec.prefix('SubtensorModule', 'Stake', [hotkey])).map((key) => {
      const coldkey = this.codec.keyArgs('SubtensorModule', 'Stake', key)[1].toString();
      return { coldkey, stake: this.legacyStake(view, hotkey, coldkey) };
    });
  }

  private addStakingHotkey(state: Overlay, coldkey: string, hotkey: string): void {
    if (!this.codec.has('SubtensorModule', 'StakingHotkeys')) return;
    const list = (this.codec.read(state, 'SubtensorModule', 'StakingHotkeys', [coldkey]) as unknown as Codec[]).map((c) => c.toString());
    if (!list.includes(hotkey)) this.codec.write(state, 'SubtensorModule', 'StakingHotkeys', [coldkey], [...list, hotkey]);
  }
}
