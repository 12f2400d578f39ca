import type { ApiPromise } from '@polkadot/api';
import type { Codec } from '@polkadot/types/types';
import type { StakeMoveFacts } from '../domain/stakeMoves.js';
import { big } from './codec.js';

type Item = ((...args: unknown[]) => Promise<Codec>) & { key(...args: unknown[]): string; keyPrefix(): string };
type Call = (...args: unknown[]) => Promise<Codec>;

/**
 * What the runtime says can move of `coldkey`'s stake on `hotkey`, on `netuids`, at `blockHash`, read once: each item
 * only where the runtime has it (see StakeMoveFacts for the rules). For `confirm --as-stake` and `fund`.
 */
export async function readStakeMoveFacts(
  api: ApiPromise,
  coldkey: string,
  hotkey: string,
  netuids: readonly number[],
  blockHash: string,
): Promise<StakeMoveFacts> {
  const [at, header] = await Promise.all([api.at(blockHash), api.rpc.chain.getHeader(blockHash)]);
  const sm = (at.query.subtensorModule ?? {}) as Record<string, Item | undefined>;
  const has = (key: string) => api.rpc.state.getStorage(key, blockHash).then((v) => (v as unknown as { isSome: boolean }).isSome);
  const anyEntry = async (item: Item) => (await api.rpc.state.getKeysPaged(item.keyPrefix(), 1, item.keyPrefix(), blockHash)).length > 0;

  const [seeding, deferred, interval, lastChange, toggles, availability] = await Promise.all([
    sm.seedBetaBasketV2Migration ? has(sm.seedBetaBasketV2Migration.key()) : false,
    sm.deferredRootAlphaDividends ? anyEntry(sm.deferredRootAlphaDividends) : false,
    sm.rootStakeUnlockInterval ? sm.rootStakeUnlockInterval().then(big) : null,
    sm.lastColdkeyHotkeyStakeBlock ? sm.lastColdkeyHotkeyStakeBlock(coldkey, hotkey) : null,
    sm.transferToggle ? Promise.all(netuids.map(async (n) => [n, (await sm.transferToggle!(n)).toString() !== 'false'] as const)) : [],
    readAvailability(at.call as unknown as Record<string, Record<string, Call | undefined> | undefined>, coldkey, netuids),
  ]);
  const consts = (at.consts.subtensorModule ?? {}) as Record<string, Codec | undefined>;
  const constant = (name: string) => (consts[name] === undefined ? null : big(consts[name]));
  const option = lastChange as unknown as { isSome?: boolean; unwrap?: () => Codec } | null;
  return {
    block: header.number.toNumber(),
    basketMigration: seeding || deferred,
    rootHold: interval === null ? null : { interval, lastChange: option?.isSome ? big(option.unwrap!()) : null },
    availability,
    locksUnreadable: availability === null && locksStake(api),
    transferEnabled: new Map(toggles),
    minStake: constant('initialMinStake'),
    minTransfer: constant('initialMinTransfer'),
  };
}

/** `get_stake_availability_for_coldkeys([coldkey], Some(netuids))` as a map by subnet; null without the API. */
async function readAvailability(
  call: Record<string, Record<string, Call | undefined> | undefined>,
  coldkey: string,
  netuids: readonly number[],
): Promise<StakeMoveFacts['availability']> {
  const method = call.stakeInfoRuntimeApi?.getStakeAvailabilityForColdkeys;
  if (!method) return null;
  const answer = (await method([coldkey], [...new Set(netuids)])) as unknown as Map<Codec, Map<Codec, Record<'total' | 'locked' | 'available', Codec>>>;
  const rows = new Map<number, { total: bigint; locked: bigint; available: bigint }>();
  for (const [account, perSubnet] of answer) {
    if (account.toString() !== coldkey) continue;
    for (const [netuid, row] of perSubnet) rows.set(Number(String(netuid)), { total: big(row.total), locked: big(row.locked), available: big(row.available) });
  }
  return rows;
}

/** Whether the runtime has stake locks at all: its `StakeUnavailable` error or a `Lock` map (conviction locks, 2026). */
function locksStake(api: ApiPromise): boolean {
  return Boolean(api.errors.subtensorModule?.StakeUnavailable || api.query.subtensorModule?.lock);
}
