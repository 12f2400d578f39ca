import WebSocket from 'ws';
import { ApiPromise, WsProvider } from '@polkadot/api';
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
