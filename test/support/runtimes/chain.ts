import '../../../src/chain/websocket.js';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { u8aToHex } from '@polkadot/util';

export const TAO = 1_000_000_000n;

export interface Included {
  blockHash: string;
  blockNumber: number;
  /** The events of this extrinsic only. */
  events: EventRecord[];
}

type Query = Record<string, ((...args: unknown[]) => Promise<Codec>) & { key(...args: unknown[]): string; entries(...args: unknown[]): Promise<Array<[{ args: Codec[]; toHex(): string }, Codec]>> }>;

/**
 * A test's own view of a real runtime: its own @polkadot/api connection, used to seed state with real extrinsics and
 * to read back what the chain says happened, independently of ValTrac's code.
 */
export class RuntimeChain {
  private constructor(readonly api: ApiPromise) {}

  static async connect(url: string): Promise<RuntimeChain> {
    const api = await ApiPromise.create({ provider: new WsProvider(url, 1_000), noInitWarn: true, throwOnConnect: true });
    return new RuntimeChain(api);
  }

  async close(): Promise<void> {
    await this.api.disconnect();
  }

  get subtensor(): Query {
    return this.api.query.subtensorModule as unknown as Query;
  }

  async newBlocks(count = 1): Promise<void> {
    await this.api.rpc('dev_newBlock', { count });
  }

  async head(): Promise<{ number: number; hash: string }> {
    const header = await this.api.rpc.chain.getHeader();
    return { number: header.number.toNumber(), hash: header.hash.toHex() };
  }

  /** Gives each account a free balance (and a provider, so it exists), as a genesis would. */
  async fund(balances: ReadonlyMap<string, bigint>): Promise<void> {
    const accounts = [...balances].map(([address, free]) => [[address], { providers: 1, data: { free: free.toString() } }]);
    await this.api.rpc('dev_setStorage', { System: { Account: accounts } });
  }

  /** Raw storage pairs (hex key, SCALE value or null to delete), for state no extrinsic can make. */
  async setRaw(pairs: Array<[string, string | null]>): Promise<void> {
    await this.api.rpc('dev_setStorage', pairs);
  }

  u64(value: bigint): string {
    return u8aToHex(this.api.createType('u64', value).toU8a());
  }

  /** Signs, submits and follows to finality; throws with the decoded error when the extrinsic fails. */
  async send(tx: SubmittableExtrinsic<'promise'>, signer: KeyringPair): Promise<Included> {
    const api = this.api;
    const included = await new Promise<Included>((resolve, reject) => {
      tx.signAndSend(signer, { nonce: -1 }, (result) => {
        if (result.isError && !result.status.isFinalized) reject(new Error(`${tx.method.section}.${tx.method.method}: ${result.status.type}`));
        if (!result.status.isFinalized) return;
        const blockHash = result.status.asFinalized.toHex();
        void api.rpc.chain.getHeader(blockHash).then((header) => resolve({ blockHash, blockNumber: header.number.toNumber(), events: result.events }), reject);
      }).catch(reject);
    });
    for (const { event } of included.events) {
      if (!api.events.system!.ExtrinsicFailed!.is(event)) continue;
      const error = event.data[0] as unknown as { isModule: boolean; asModule: never; toString(): string };
      const reason = error.isModule ? (({ section, name }) => `${section}.${name}`)(api.registry.findMetaError(error.asModule)) : error.toString();
      throw new Error(`${tx.method.section}.${tx.method.method} failed: ${reason}`);
    }
    return included;
  }

  async freeBalance(address: string): Promise<bigint> {
    const account = (await this.api.query.system!.account!(address)) as unknown as { data: { free: { toBigInt(): bigint } } };
    return account.data.free.toBigInt();
  }

  async nonce(address: string): Promise<number> {
    const account = (await this.api.query.system!.account!(address)) as unknown as { nonce: { toNumber(): number } };
    return account.nonce.toNumber();
  }

  /** The events of a block, with the index of the extrinsic each belongs to. */
  async blockEvents(blockHash: string): Promise<EventRecord[]> {
    return (await (await this.api.at(blockHash)).query.system!.events!()) as unknown as EventRecord[];
  }

  /** The events of one extrinsic, found by its hash in the block it is in. */
  async extrinsicEvents(blockHash: string, extrinsicHash: string): Promise<EventRecord[]> {
    const block = await this.api.rpc.chain.getBlock(blockHash);
    const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === extrinsicHash);
    if (index < 1) throw new Error(`block ${blockHash} has no signed extrinsic ${extrinsicHash}`);
    return (await this.blockEvents(blockHash)).filter((e) => e.phase.isApplyExtrinsic && e.phase.asApplyExtrinsic.toNumber() === index);
  }
}

/** Reads a U64F64 `{ bits }` (spec 300) or a plain u64 (spec 218's early maps) as a fraction `bits / 2^64`. */
export function shareBits(value: Codec): bigint {
  const json = value.toJSON() as { bits?: string | number } | string | number;
  if (typeof json === 'object' && json !== null && 'bits' in json) return BigInt(json.bits!);
  return BigInt(json as string | number) << 64n;
}

/**
 * A coldkey's alpha on one subnet, computed here from the runtime's own storage (shares x pool / total shares),
 * rounded down like the runtime: a reference that owes nothing to ValTrac's reader.
 */
export async function alphaOf(chain: RuntimeChain, hotkey: string, coldkey: string, netuid: number): Promise<bigint> {
  const sm = chain.subtensor;
  const [shares, pool, total] = await Promise.all([
    sm.alpha!(hotkey, coldkey, netuid),
    sm.totalHotkeyAlpha!(hotkey, netuid),
    sm.totalHotkeyShares!(hotkey, netuid),
  ]);
  const totalBits = shareBits(total);
  if (totalBits === 0n) return 0n;
  return (shareBits(shares) * BigInt(pool.toString())) / totalBits;
}

/**
 * spec 300 starts every subnet's swap pool with the genesis reserves of 1 TAO: a stake of a few TAO would move its price
 * a hundredfold. Reset the pool to the given reserves, so the runtime initialises it again from them (its own
 * `maybe_initialize_v3`) at the next block: the state a subnet with that much liquidity has.
 */
export async function deepenPool(chain: RuntimeChain, netuid: number, tao: bigint, alphaIn: bigint): Promise<void> {
  const swap = chain.api.query.swap as unknown as Query;
  const pairs: Array<[string, string | null]> = [];
  for (const item of ['positions', 'ticks', 'tickIndexBitmapWords']) {
    for (const [key] of await swap[item]!.entries()) if (Number(key.args[0]!.toString()) === netuid) pairs.push([key.toHex(), null]);
  }
  for (const item of ['swapV3Initialized', 'alphaSqrtPrice', 'currentTick', 'currentLiquidity']) pairs.push([swap[item]!.key(netuid), null]);
  pairs.push([chain.subtensor.subnetTAO!.key(netuid), chain.u64(tao)], [chain.subtensor.subnetAlphaIn!.key(netuid), chain.u64(alphaIn)]);
  await chain.setRaw(pairs);
  await chain.newBlocks(1);
}
