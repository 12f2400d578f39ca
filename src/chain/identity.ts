import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import { u8aToString } from '@polkadot/util';
import { absent, field, str } from './codec.js';

/** The identity maps subtensor has kept a coldkey's name in, newest first (`IdentitiesV2` since mid-2025). */
const IDENTITY_MAPS = ['identitiesV2', 'identities'] as const;

/** Longest name shown: an identity is free text its owner typed. */
const MAX_NAME = 64;

/** An identity's name as a page can show it: control and direction characters removed, trimmed, bounded. */
export function cleanIdentityName(raw: string): string | null {
  // eslint-disable-next-line no-control-regex
  const text = raw.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').trim();
  return text === '' ? null : text.slice(0, MAX_NAME);
}

/** The on-chain identity name of a coldkey, where its owner set one (null when none is set or the runtime has none). */
export async function identityName(api: ApiPromise, coldkey: string): Promise<string | null> {
  const query = api.query.subtensorModule;
  for (const map of IDENTITY_MAPS) {
    const read = query?.[map];
    if (!read) continue;
    const value = (await read(coldkey)) as Codec & { isSome?: boolean; unwrap?: () => Codec };
    if (value.isSome === false || absent(value)) continue;
    const identity = typeof value.unwrap === 'function' ? value.unwrap() : value;
    const name = cleanIdentityName(u8aToString((field(identity, 'name') as Codec).toU8a(true)));
    if (name) return name;
  }
  return null;
}

/** A validator's name: the identity of the coldkey that owns its hotkey (null when the hotkey has no owner or name). */
export async function validatorIdentity(api: ApiPromise, hotkey: string): Promise<string | null> {
  const owner = await api.query.subtensorModule?.owner?.(hotkey);
  if (!owner || absent(owner)) return null;
  return identityName(api, str(owner));
}
