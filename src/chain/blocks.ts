import type { ApiPromise } from '@polkadot/api';
import { atBlock } from './stateErrors.js';

/** The newest finalized block's number and hash. */
export async function finalizedHead(api: ApiPromise): Promise<{ number: number; hash: string }> {
  const hash = await api.rpc.chain.getFinalizedHead();
  const header = await api.rpc.chain.getHeader(hash);
  return { number: header.number.toNumber(), hash: hash.toHex() };
}

/** The canonical hash of block `number`; for a finalized number it can no longer change. */
export async function blockHashAt(api: ApiPromise, number: number): Promise<string> {
  const label = `#${number}`;
  const hash = await atBlock(label, () => api.rpc.chain.getBlockHash(number));
  if (hash.isEmpty) throw new Error(`the node has no block ${label}`);
  return hash.toHex();
}

/** Calls `onHead` with each newly finalized block number; returns the unsubscribe function. */
export async function followFinalized(api: ApiPromise, onHead: (number: number) => void): Promise<() => void> {
  return api.rpc.chain.subscribeFinalizedHeads((header) => onHead(header.number.toNumber()));
}

/** Resolves when the connection to the node drops (the follower then exits so pm2 restarts it). */
export function disconnected(api: ApiPromise): Promise<void> {
  return new Promise((resolve) => api.once('disconnected', () => resolve()));
}

/** The timestamp (Timestamp.Now) a block was made with. */
export async function blockTime(api: ApiPromise, blockHash: string): Promise<Date> {
  const raw = await atBlock(blockHash, () => api.rpc.state.getStorage(api.query.timestamp!.now!.key(), blockHash));
  return new Date(Number(api.createType('u64', (raw as unknown as { toU8a(bare: boolean): Uint8Array }).toU8a(true)).toBigInt()));
}
