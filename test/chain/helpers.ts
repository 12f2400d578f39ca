import WebSocket from 'ws';
import '../../src/chain/websocket.js';
import { ApiPromise, WsProvider } from '@polkadot/api';
import type { SignerOptions, SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { DispatchError } from '@polkadot/types/interfaces';
import type { ISubmittableResult } from '@polkadot/types/types';
import type { TestChain } from './testChain.js';
import { dataLessExtensions, loadRuntime, type MetadataName } from './metadataFiles.js';

/** A real @polkadot/api client for a test chain, declaring subtensor's data-less extensions. */
export function connectApi(url: string, metadata: MetadataName): Promise<ApiPromise> {
  const signedExtensions = dataLessExtensions(loadRuntime(metadata).metadata);
  return ApiPromise.create({ provider: new WsProvider(url), signedExtensions, noInitWarn: true, throwOnConnect: true });
}

/** One raw JSON-RPC call over a fresh WebSocket: for asserting a node's exact error codes and messages. */
export function rawRpc(url: string, method: string, params: unknown[]): Promise<{ result?: unknown; error?: { code: number; message: string; data?: unknown } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.once('error', reject);
    ws.once('open', () => ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method, params })));
    ws.once('message', (data) => {
      ws.close();
      resolve(JSON.parse(data.toString()));
    });
  });
}

export interface WatchedResult {
  statuses: string[];
  blockHash: string;
  events: Array<{ section: string; method: string; data: unknown[] }>;
  dispatchError?: DispatchError;
  txHash: string;
}

/**
 * signAndSend (or send, for an already signed `tx`) with a status callback, resolved at Finalized
 * (rejected on an RPC error, Invalid or Dropped).
 */
export function sendAndWatch(tx: SubmittableExtrinsic<'promise'>, pair?: KeyringPair, options: Partial<SignerOptions> = {}): Promise<WatchedResult> {
  const statuses: string[] = [];
  return new Promise((resolve, reject) => {
    const onStatus = (result: ISubmittableResult) => {
      statuses.push(result.status.type);
      if (result.status.isInvalid || result.status.isDropped || result.status.isUsurped) reject(new Error(`extrinsic ${result.status.type}`));
      if (result.status.isFinalized) {
        resolve({
          statuses,
          blockHash: result.status.asFinalized.toHex(),
          events: result.events.map(({ event }) => ({ section: event.section, method: event.method, data: [...event.data] })),
          dispatchError: result.dispatchError,
          txHash: tx.hash.toHex(),
        });
      }
    };
    (pair ? tx.signAndSend(pair, options, onStatus) : tx.send(onStatus)).catch(reject);
  });
}

/** Produces a block every `intervalMs` until `done` settles (for chains without timer production). */
export async function produceUntil<T>(chain: TestChain, done: Promise<T>, intervalMs = 100): Promise<T> {
  let settled = false;
  const watched = done.finally(() => { settled = true; });
  while (!settled) {
    await chain.produceBlocks(1);
    await Promise.race([watched.catch(() => undefined), new Promise((r) => setTimeout(r, intervalMs))]);
  }
  return watched;
}

/** Polls `condition` until true; fails after `timeoutMs` (generous: tests share two cores). */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
