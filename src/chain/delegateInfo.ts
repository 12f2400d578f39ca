import type { ApiDecoration } from '@polkadot/api/types';
import type { Codec, Registry } from '@polkadot/types/types';
import { compactFromU8a, u8aToHex } from '@polkadot/util';
import { decodeSs58 } from '../domain/ss58.js';
import { big, field, str } from './codec.js';
import { addStake, type RawStake } from './rawStake.js';

export interface DelegateStake {
  owner: string;
  /** subtensor's take, out of u16::MAX. */
  take: bigint;
  stake: RawStake;
}

type Api = ApiDecoration<'promise'>;

function getDelegate(api: Api) {
  const section = api.call.delegateInfoRuntimeApi;
  if (!section?.getDelegate) throw new Error('DelegateInfoRuntimeApi.get_delegate is not callable on this node');
  return section.getDelegate;
}

/**
 * `DelegateInfoRuntimeApi.get_delegate(hotkey)` of mid-2025+ runtimes: every coldkey's alpha per subnet, already
 * converted from shares by the runtime itself (it merges the Alpha and AlphaV2 maps), plus owner and take, in one
 * call. Null: not a delegate.
 */
export async function readDelegateInfo(api: Api, hotkey: string): Promise<DelegateStake | null> {
  const result = (await getDelegate(api)(hotkey)) as unknown as { isSome: boolean; unwrap(): Codec };
  if (!result.isSome) return null;
  const info = result.unwrap();
  const stake: RawStake = new Map();
  for (const entry of field(info, 'nominators') as unknown as Iterable<[Codec, Iterable<[Codec, Codec]>]>) {
    const [coldkey, subnets] = entry;
    for (const [netuid, alpha] of subnets) addStake(stake, str(coldkey), Number(big(netuid)), big(alpha));
  }
  return { owner: str(field(info, 'ownerSs58')), take: big(field(info, 'take')), stake };
}

/** The legacy DelegateInfo (read by the runtime from `Stake`): delegate, take, nominators with TAO, owner, ... */
const LEGACY_DELEGATE_INFO =
  '(AccountId32, Compact<u16>, Vec<(AccountId32, Compact<u64>)>, AccountId32, Vec<Compact<u16>>, Vec<Compact<u16>>, Compact<u64>, Compact<u64>)';

/**
 * Early-2025 runtimes (spec 218) declare `get_delegate(Vec<u8>) -> Vec<u8>`: the argument is the hotkey's public key;
 * the runtime answers `DelegateInfo.encode()` for a delegate and an empty vector otherwise (no Option tag), and that
 * Vec<u8> is itself SCALE-encoded as the call's return value, so the answer @polkadot/api hands back still carries
 * the inner length prefix. Null: not a delegate.
 */
export async function readLegacyDelegateInfo(api: Api, hotkey: string): Promise<DelegateStake | null> {
  const key = decodeSs58(hotkey);
  if (key?.kind !== 'account') throw new Error(`${hotkey} is not an SS58 account address`);
  const answer = (await getDelegate(api)(u8aToHex(key.key))) as unknown as { toU8a(bare: boolean): Uint8Array };
  return decodeLegacyDelegate(api.registry, answer.toU8a(true));
}

/** The bytes of the answer (the runtime's Vec<u8> with its length prefix) as owner, take and each nominator's TAO. */
export function decodeLegacyDelegate(registry: Registry, wrapped: Uint8Array): DelegateStake | null {
  const [offset, length] = compactFromU8a(wrapped);
  const end = offset + length.toNumber();
  if (end !== wrapped.length) throw new Error(`get_delegate answered ${wrapped.length} bytes whose length prefix says ${length.toString()}: not a Vec<u8>`);
  if (length.isZero()) return null;
  const info = registry.createType(LEGACY_DELEGATE_INFO, wrapped.subarray(offset)) as unknown as Codec[] & { encodedLength: number };
  if (info.encodedLength !== length.toNumber()) throw new Error(`get_delegate's DelegateInfo decodes to ${info.encodedLength} of its ${length.toString()} bytes`);
  const [, take, nominators, owner] = info as unknown as [Codec, Codec, Iterable<[Codec, Codec]>, Codec];
  const stake: RawStake = new Map();
  for (const [coldkey, tao] of nominators) addStake(stake, str(coldkey), 0, big(tao));
  return { owner: str(owner), take: big(take), stake };
}
