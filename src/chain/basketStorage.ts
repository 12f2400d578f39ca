import type { ApiDecoration } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import type { BasketState } from '../domain/basket.js';
import { big, field, str } from './codec.js';

type Api = ApiDecoration<'promise'>;
type Entries = Array<[{ args: Codec[] }, Codec]>;

/** A validator's basket maps (spec 441+): shares outstanding, the I96F32 rate, every staker's claimed watermark. */
export async function readBasket(api: Api, hotkey: string): Promise<BasketState> {
  const sm = api.query.subtensorModule!;
  const [shares, rate, claimed] = await Promise.all([
    sm.basketShares!(hotkey),
    sm.basketRate!(hotkey),
    sm.basketClaimed!.entries(hotkey) as unknown as Promise<Entries>,
  ]);
  return {
    shares: big(shares),
    rateBits: big(field(rate, 'bits')),
    claimed: new Map(claimed.map(([key, value]) => [str(key.args[1]), big(value)])),
  };
}
