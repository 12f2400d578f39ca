import type { ApiPromise } from '@polkadot/api';
import type { EventRecord } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { blake2AsHex } from '@polkadot/util-crypto';
import type { Rao } from '../domain/types.js';
import { big, str } from './codec.js';
import type { AlphaPart } from '../domain/stakePayout.js';

/** What one payment was meant to deliver: TAO by transfer and/or alpha per subnet by `transfer_stake`. */
export interface ExpectedPayment {
  user: string;
  address: string;
  /** The planned amount in TAO (a stake payment's parts are worth this together with `tao`). */
  amount: Rao;
  tao: Rao;
  parts: readonly AlphaPart[];
}

export interface Delivery {
  user: string;
  /** What the chain's events show arrived, in TAO (alpha valued at the price it was converted at). */
  delivered: Rao;
  /** How each stake part arrived, for the note when it fell short. */
  parts: Array<{ netuid: number; sent: bigint; received: bigint }>;
}

/**
 * Matches every planned payment against the extrinsic's own events: `Balances.Transfer(from, to, amount)` for TAO,
 * `SubtensorModule.StakeAdded(coldkey, hotkey, tao, alpha, netuid, ...)` for stake (the alpha the recipient got, after
 * any swap the runtime made). Each event pays at most one payment; what no event shows was not delivered.
 */
export function deliveries(api: ApiPromise, events: readonly EventRecord[], payer: string, hotkey: string | null, expected: readonly ExpectedPayment[]): Delivery[] {
  const transfers: Array<{ to: string; amount: bigint } | null> = [];
  const stakes: Array<{ coldkey: string; hotkey: string; alpha: bigint; netuid: number } | null> = [];
  for (const { event } of events) {
    const data = event.data as unknown as Codec[];
    if (api.events.balances?.Transfer?.is(event) && str(data[0]) === payer) transfers.push({ to: str(data[1]), amount: big(data[2]) });
    if (api.events.subtensorModule?.StakeAdded?.is(event) && data.length >= 5) {
      stakes.push({ coldkey: str(data[0]), hotkey: str(data[1]), alpha: big(data[3]), netuid: Number(big(data[4])) });
    }
  }
  const take = <E>(list: Array<E | null>, match: (e: E) => boolean): E | null => {
    const i = list.findIndex((e) => e !== null && match(e));
    if (i < 0) return null;
    const found = list[i]!;
    list[i] = null;
    return found;
  };
  return expected.map((p) => {
    let delivered = 0n;
    if (p.tao > 0n) delivered += take(transfers, (t) => t.to === p.address && t.amount === p.tao)?.amount ?? 0n;
    const parts = p.parts.map((part) => {
      const got = take(stakes, (s) => s.coldkey === p.address && s.hotkey === hotkey && s.netuid === part.netuid)?.alpha ?? 0n;
      delivered += partValue(part, got);
      return { netuid: part.netuid, sent: part.alpha, received: got };
    });
    return { user: p.user, delivered, parts };
  });
}

/**
 * The planned TAO of a stake part, in the proportion of its alpha that arrived. A part that arrived in full delivered
 * its TAO as planned (its alpha was rounded down from that TAO when it was converted, which is the plan, not a loss).
 */
function partValue(part: AlphaPart, received: bigint): Rao {
  if (received >= part.alpha) return part.tao;
  return (part.tao * received) / part.alpha;
}

/** Whether the extrinsic's events carry the remark `text` from `sender` (`System.Remarked(sender, hash)`). */
export function remarked(api: ApiPromise, events: readonly EventRecord[], sender: string, text: string): boolean {
  const hash = blake2AsHex(text);
  return events.some(({ event }) => {
    if (!api.events.system?.Remarked?.is(event)) return false;
    const data = event.data as unknown as Codec[];
    return str(data[0]) === sender && (data[1] as unknown as { toHex(): string }).toHex() === hash;
  });
}

/** `Utility.BatchCompleted`: a `batch_all` that ran every call. */
export function batchCompleted(api: ApiPromise, events: readonly EventRecord[]): boolean {
  return events.some(({ event }) => api.events.utility?.BatchCompleted?.is(event) === true);
}
