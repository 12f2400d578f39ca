import type { ApiDecoration } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { absent, big, field, str } from './codec.js';
import { fromSafeFloat, fromU64F64, sharesToAlpha, type Fraction } from './fixedPoint.js';
import { addStake, type RawStake } from './rawStake.js';
import type { StakeLayout } from './stakeLayout.js';

type Api = ApiDecoration<'promise'>;
type Entries = Array<[{ args: Codec[] }, Codec]>;
type Dynamic = NonNullable<StakeLayout['dynamic']>;

/** Owner coldkey and take from storage; null owner/take when the key is absent (not registered / not a delegate). */
export async function readOwnerAndTake(api: Api, hotkey: string): Promise<{ owner: string | null; take: bigint | null }> {
  const sm = api.query.subtensorModule!;
  const [owner, take] = await Promise.all([sm.owner!(hotkey), sm.delegates!(hotkey)]);
  return { owner: absent(owner) ? null : str(owner), take: absent(take) ? null : big(take) };
}

/** Legacy runtimes: `Stake(hotkey, coldkey) -> u64` TAO, read by hotkey prefix (paged by @polkadot/api). */
export async function readLegacyStake(api: Api, hotkey: string): Promise<RawStake> {
  const entries = (await api.query.subtensorModule!.stake!.entries(hotkey)) as unknown as Entries;
  const stake: RawStake = new Map();
  for (const [key, value] of entries) addStake(stake, str(key.args[1]), 0, big(value));
  return stake;
}

/** `TotalHotkeyStake(hotkey)`: what the runtime says the legacy entries add up to. */
export async function readTotalHotkeyStake(api: Api, hotkey: string): Promise<Map<number, bigint>> {
  const total = big(await api.query.subtensorModule!.totalHotkeyStake!(hotkey));
  return new Map(total === 0n ? [] : [[0, total]]);
}

/** `TotalHotkeyAlpha(hotkey, netuid)` for every subnet the runtime keeps a pool for this hotkey on. */
export async function readTotalHotkeyAlpha(api: Api, hotkey: string): Promise<Map<number, bigint>> {
  const entries = (await api.query.subtensorModule!.totalHotkeyAlpha!.entries(hotkey)) as unknown as Entries;
  const totals = new Map<number, bigint>();
  for (const [key, value] of entries) {
    const alpha = big(value);
    if (alpha > 0n) totals.set(Number(big(key.args[1])), alpha);
  }
  return totals;
}

export interface DynamicRead {
  stake: RawStake;
  /** Coldkeys holding shares per subnet (zero-valued ones included): each may lose up to one RAO to rounding. */
  holders: Map<number, number>;
}

/**
 * Dynamic TAO: shares from `Alpha(hotkey, coldkey, netuid)` (and `AlphaV2` where the runtime migrates lazily: the
 * old map wins where both hold a key, as the runtime reads it), converted with the hotkey's pool per subnet:
 * alpha = shares * TotalHotkeyAlpha / TotalHotkeyShares.
 */
export async function readDynamicStake(api: Api, hotkey: string, layout: Dynamic): Promise<DynamicRead> {
  const sm = api.query.subtensorModule!;
  const shares = new Map<string, Map<number, Fraction>>();
  const put = (coldkey: string, netuid: number, value: Fraction, keepExisting: boolean) => {
    let row = shares.get(coldkey);
    if (!row) shares.set(coldkey, (row = new Map()));
    if (!(keepExisting && row.has(netuid))) row.set(netuid, value);
  };
  const v1 = (await sm.alpha!.entries(hotkey)) as unknown as Entries;
  for (const [key, value] of v1) put(str(key.args[1]), Number(big(key.args[2])), shareValue(value, layout), false);
  if (layout.alphaV2) {
    const v2 = (await sm.alphaV2!.entries(hotkey)) as unknown as Entries;
    for (const [key, value] of v2) put(str(key.args[1]), Number(big(key.args[2])), safeFloat(value), true);
  }

  const netuids = [...new Set([...shares.values()].flatMap((row) => [...row.keys()]))].sort((a, b) => a - b);
  const pools = await readPools(api, hotkey, netuids, layout);
  const stake: RawStake = new Map();
  const holders = new Map<number, number>();
  for (const [coldkey, row] of shares) {
    for (const [netuid, share] of row) {
      if (share.num === 0n) continue;
      holders.set(netuid, (holders.get(netuid) ?? 0) + 1);
      const pool = pools.get(netuid)!;
      addStake(stake, coldkey, netuid, sharesToAlpha(share, pool.alpha, pool.shares));
    }
  }
  return { stake, holders };
}

interface Pool {
  alpha: bigint;
  shares: Fraction;
}

async function readPools(api: Api, hotkey: string, netuids: number[], layout: Dynamic): Promise<Map<number, Pool>> {
  const sm = api.query.subtensorModule!;
  const keys = netuids.map((n) => [hotkey, n]);
  const [alphas, sharesV1, sharesV2] = await Promise.all([
    sm.totalHotkeyAlpha!.multi(keys) as Promise<Codec[]>,
    sm.totalHotkeyShares!.multi(keys) as Promise<Codec[]>,
    layout.sharesV2 ? (sm.totalHotkeySharesV2!.multi(keys) as Promise<Codec[]>) : Promise.resolve([] as Codec[]),
  ]);
  const pools = new Map<number, Pool>();
  netuids.forEach((netuid, i) => {
    const old = sharesV1[i]!;
    const shares = !absent(old) || !layout.sharesV2 ? shareValue(old, layout) : safeFloat(sharesV2[i]!);
    pools.set(netuid, { alpha: big(alphas[i]), shares });
  });
  return pools;
}

/** A share amount as the metadata declares it: U64F64 `{ bits }`, or a plain u64 on early dynamic runtimes. */
function shareValue(value: Codec, layout: Dynamic): Fraction {
  return layout.shares === 'integer' ? { num: big(value), den: 1n } : fromU64F64(big(field(value, 'bits')));
}

function safeFloat(value: Codec): Fraction {
  return fromSafeFloat(big(field(value, 'mantissa')), big(field(value, 'exponent')));
}
