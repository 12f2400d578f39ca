import type { ApiDecoration } from '@polkadot/api/types';
import type { Codec } from '@polkadot/types/types';
import { absent, big, field, str } from './codec.js';
import { safeFloat, safeFloatFromU64F64, safeFloatValue, u64f64Value, type SafeFloat } from './sharePool.js';
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

/** A share or pool denominator as stored: U64F64 bits (`Alpha`), a SafeFloat (`AlphaV2`), or a u64 (spec 218). */
export type Share = { kind: 'bits'; bits: bigint } | { kind: 'float'; value: SafeFloat } | { kind: 'integer'; value: bigint };

/**
 * Dynamic TAO: shares from `AlphaV2(hotkey, coldkey, netuid)` where the runtime has it, and `Alpha` for the entries
 * not migrated yet (2026 runtimes move each entry on its next write and `migrate_alpha_v1_to_v2` moves the rest and
 * empties the old map; a key in both is the v2 one, as the runtime's `alpha_iter` keeps it). Each coldkey's alpha is
 * valued as the runtime's share pool values it (chain/sharePool.ts), so it equals what the runtime reports.
 */
export async function readDynamicStake(api: Api, hotkey: string, layout: Dynamic): Promise<DynamicRead> {
  const sm = api.query.subtensorModule!;
  const row = (key: { args: Codec[] }) => ({ coldkey: str(key.args[1]), netuid: Number(big(key.args[2])) });
  const v2 = layout.alphaV2 ? ((await sm.alphaV2!.entries(hotkey)) as unknown as Entries).map(([key, value]) => ({ ...row(key), share: floatShare(value) })) : [];
  const v1 = ((await sm.alpha!.entries(hotkey)) as unknown as Entries).map(([key, value]) => ({ ...row(key), share: shareValue(value, layout) }));
  const shares = mergeShares(v2, v1);
  const netuids = [...new Set([...shares.values()].flatMap((r) => [...r.keys()]))].sort((a, b) => a - b);
  return valueShares(shares, await readPools(api, hotkey, netuids, layout), layout);
}

export interface ShareEntry {
  coldkey: string;
  netuid: number;
  share: Share;
}

/** AlphaV2 first; an `Alpha` entry counts only where its key has no v2 entry yet (not migrated). */
export function mergeShares(v2: readonly ShareEntry[], v1: readonly ShareEntry[]): Map<string, Map<number, Share>> {
  const shares = new Map<string, Map<number, Share>>();
  const put = ({ coldkey, netuid, share }: ShareEntry, keepExisting: boolean) => {
    let row = shares.get(coldkey);
    if (!row) shares.set(coldkey, (row = new Map()));
    if (!(keepExisting && row.has(netuid))) row.set(netuid, share);
  };
  for (const e of v2) put(e, false);
  for (const e of v1) put(e, true);
  return shares;
}

/** Each coldkey's alpha per subnet as the runtime values its shares, and how many coldkeys hold shares per subnet. */
export function valueShares(shares: ReadonlyMap<string, ReadonlyMap<number, Share>>, pools: ReadonlyMap<number, Pool>, layout: Dynamic): DynamicRead {
  const stake: RawStake = new Map();
  const holders = new Map<number, number>();
  for (const [coldkey, row] of shares) {
    for (const [netuid, share] of row) {
      if (isZero(share)) continue;
      holders.set(netuid, (holders.get(netuid) ?? 0) + 1);
      addStake(stake, coldkey, netuid, valueOf(share, pools.get(netuid)!, layout));
    }
  }
  return { stake, holders };
}

/** A hotkey's pool on one subnet: `TotalHotkeyAlpha` and the shares denominator (`TotalHotkeySharesV2` first). */
export interface Pool {
  alpha: bigint;
  shares: Share;
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
    const v2 = sharesV2[i];
    const shares = v2 && !absent(v2) ? floatShare(v2) : shareValue(sharesV1[i]!, layout);
    pools.set(netuid, { alpha: big(alphas[i]), shares });
  });
  return pools;
}

/** A v1 share as the metadata declares it: U64F64 `{ bits }`, or a plain u64 on early dynamic runtimes. */
function shareValue(value: Codec, layout: Dynamic): Share {
  return layout.shares === 'integer' ? { kind: 'integer', value: big(value) } : { kind: 'bits', bits: big(field(value, 'bits')) };
}

function floatShare(value: Codec): Share {
  return { kind: 'float', value: safeFloat(big(field(value, 'mantissa')), big(field(value, 'exponent'))) };
}

function isZero(share: Share): boolean {
  return share.kind === 'bits' ? share.bits === 0n : share.kind === 'float' ? share.value.mantissa === 0n : share.value === 0n;
}

/**
 * The runtime's valuation: a 2026 runtime (SafeFloat maps) converts every share to SafeFloat and values in SafeFloat;
 * a mid-2025 runtime values in U64F64; spec 218's integer shares divide exactly.
 */
function valueOf(share: Share, pool: Pool, layout: Dynamic): bigint {
  if (layout.alphaV2 || layout.sharesV2) return safeFloatValue(pool.alpha, asFloat(share), asFloat(pool.shares));
  if (share.kind === 'bits' && pool.shares.kind === 'bits') return u64f64Value(pool.alpha, share.bits, pool.shares.bits);
  const num = share.kind === 'integer' ? share.value : 0n;
  const den = pool.shares.kind === 'integer' ? pool.shares.value : 0n;
  return den === 0n ? 0n : (num * pool.alpha) / den;
}

function asFloat(share: Share): SafeFloat {
  if (share.kind === 'float') return share.value;
  return share.kind === 'bits' ? safeFloatFromU64F64(share.bits) : safeFloat(share.value, 0n);
}
