import type { ApiDecoration } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { absent, big, field, str } from './codec.js';
import { fromSafeFloat, fromU64F64, sharesToAlpha, type Fraction } from './fixedPoint.js';
import { addStake, type RawStake } from './rawStake.js';
import type { StakeLayout } from './stakeLayout.js';

type Api = ApiDecoration<'promise'>;
type Entries = Array<[{ args: Codec[] }, Codec]>;

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

/**
 * Dynamic TAO: shares from `Alpha(hotkey, coldkey, netuid)` (and `AlphaV2` where the runtime migrates lazily: the
 * old map wins where both hold a key, as the runtime reads it), converted with the hotkey's pool per subnet:
 * alpha = shares * TotalHotkeyAlpha / TotalHotkeyShares.
 */
export async function readDynamicStake(api: Api, hotkey: string, layout: StakeLayout): Promise<RawStake> {
  const sm = api.query.subtensorModule!;
  const shares = new Map<string, Map<number, Fraction>>();
  const put = (coldkey: string, netuid: number, value: Fraction, keepExisting: boolean) => {
    let row = shares.get(coldkey);
    if (!row) shares.set(coldkey, (row = new Map()));
    if (!(keepExisting && row.has(netuid))) row.set(netuid, value);
  };
  const v1 = (await sm.alpha!.entries(hotkey)) as unknown as Entries;
  for (const [key, value] of v1) put(str(key.args[1]), Number(big(key.args[2])), fromU64F64(big(field(value, 'bits'))), false);
  if (layout.alphaV2) {
    const v2 = (await sm.alphaV2!.entries(hotkey)) as unknown as Entries;
    for (const [key, value] of v2) put(str(key.args[1]), Number(big(key.args[2])), safeFloat(value), true);
  }

  const netuids = [...new Set([...shares.values()].flatMap((row) => [...row.keys()]))].sort((a, b) => a - b);
  const pools = await readPools(api, hotkey, netuids, layout);
  const stake: RawStake = new Map();
  for (const [coldkey, row] of shares) {
    for (const [netuid, share] of row) {
      const pool = pools.get(netuid)!;
      addStake(stake, coldkey, netuid, sharesToAlpha(share, pool.alpha, pool.shares));
    }
  }
  return stake;
}

interface Pool {
  alpha: bigint;
  shares: Fraction;
}

async function readPools(api: Api, hotkey: string, netuids: number[], layout: StakeLayout): Promise<Map<number, Pool>> {
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
    const shares = !absent(old) || !layout.sharesV2 ? fromU64F64(big(field(old, 'bits'))) : safeFloat(sharesV2[i]!);
    pools.set(netuid, { alpha: big(alphas[i]), shares });
  });
  return pools;
}

function safeFloat(value: Codec): Fraction {
  return fromSafeFloat(big(field(value, 'mantissa')), big(field(value, 'exponent')));
}
