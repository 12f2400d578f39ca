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
  const text = raw.replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '').trim();
  return text === '' ? null : text.slice(0, MAX_NAME);
}

type IdentityValue = Codec & { isSome?: boolean; unwrap?: () => Codec };

function nameIn(value: IdentityValue): string | null {
  if (value.isSome === false || absent(value)) return null;
  const identity = typeof value.unwrap === 'function' ? value.unwrap() : value;
  return cleanIdentityName(u8aToString((field(identity, 'name') as Codec).toU8a(true)));
}

/**
 * The on-chain identity names of many coldkeys, where their owners set one (null when none is set or the runtime has
 * no identity map): one `multi` read per map, so a list of thousands of nominators is a few requests.
 */
export async function identityNames(api: ApiPromise, coldkeys: readonly string[]): Promise<Map<string, string | null>> {
  const names = new Map<string, string | null>(coldkeys.map((c) => [c, null]));
  for (const map of IDENTITY_MAPS) {
    const read = api.query.subtensorModule?.[map];
    const missing = [...names].filter(([, name]) => name === null).map(([c]) => c);
    if (!read || missing.length === 0) continue;
    const values = (await read.multi(missing)) as IdentityValue[];
    missing.forEach((coldkey, i) => names.set(coldkey, nameIn(values[i]!)));
  }
  return names;
}

export async function identityName(api: ApiPromise, coldkey: string): Promise<string | null> {
  return (await identityNames(api, [coldkey])).get(coldkey) ?? null;
}

/** A validator's name: the identity of the coldkey that owns its hotkey (null when the hotkey has no owner or name). */
export async function validatorIdentity(api: ApiPromise, hotkey: string): Promise<string | null> {
  const owner = await api.query.subtensorModule?.owner?.(hotkey);
  if (!owner || absent(owner)) return null;
  return identityName(api, str(owner));
}
