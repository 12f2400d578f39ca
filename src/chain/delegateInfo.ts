import type { ApiDecoration } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { big, field, str } from './codec.js';
import { addStake, type RawStake } from './rawStake.js';

export interface DelegateStake {
  owner: string;
  /** subtensor's take, out of u16::MAX. */
  take: bigint;
  stake: RawStake;
}

/**
 * `DelegateInfoRuntimeApi.get_delegate(hotkey)`: every coldkey's alpha per subnet, already converted from shares by
 * the runtime itself (it merges the Alpha and AlphaV2 maps), plus owner and take, in one call. Null: not a delegate.
 */
export async function readDelegateInfo(api: ApiDecoration<'promise'>, hotkey: string): Promise<DelegateStake | null> {
  const section = api.call.delegateInfoRuntimeApi;
  if (!section?.getDelegate) throw new Error('DelegateInfoRuntimeApi.get_delegate is not callable on this node');
  const result = (await section.getDelegate(hotkey)) as unknown as { isSome: boolean; unwrap(): Codec };
  if (!result.isSome) return null;
  const info = result.unwrap();
  const stake: RawStake = new Map();
  for (const entry of field(info, 'nominators') as unknown as Iterable<[Codec, Iterable<[Codec, Codec]>]>) {
    const [coldkey, subnets] = entry;
    for (const [netuid, alpha] of subnets) addStake(stake, str(coldkey), Number(big(netuid)), big(alpha));
  }
  return { owner: str(field(info, 'ownerSs58')), take: big(field(info, 'take')), stake };
}
