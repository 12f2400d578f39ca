import { hexToU8a } from '@polkadot/util';
import { blake2AsHex } from '@polkadot/util-crypto';
import { decodeExtrinsic, estimate } from './extrinsics.js';
import { headerJson, type BlockRecord } from './blocks.js';
import type { SimNode } from './node.js';
import { RpcError, type RpcServer } from './rpcServer.js';
import type { Hex } from './storage.js';

const CHAIN_NAMES: Record<string, string> = {
  'finney-219': 'Bittensor', 'testnet-224': 'Bittensor Testnet',
  'devnet-240': 'Bittensor Devnet', 'devnet-346': 'Bittensor Devnet', 'devnet-381': 'Bittensor Devnet',
};
const MAX_KEYS_PAGE = 1000;

function hexParam(v: unknown, what: string): Hex {
  if (typeof v !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(v)) throw new RpcError(-32602, `Invalid params: ${what} must be 0x-prefixed hex`);
  return v.toLowerCase();
}

/** The node's JSON-RPC surface that @polkadot/api and ValTrac use. */
export function registerMethods(server: RpcServer, node: SimNode): void {
  const rt = node.rt;
  const at = (hash: unknown) => node.stateAt(node.blocks.resolve(hash));

  server.method('system_chain', () => CHAIN_NAMES[rt.name]);
  server.method('system_name', () => 'Subtensor Node');
  server.method('system_version', () => `4.0.0-dev-valtrac-testchain-${rt.version.specVersion}`);
  server.method('system_properties', () => ({ ss58Format: 42, tokenDecimals: 9, tokenSymbol: 'TAO' }));
  server.method('system_health', () => ({ peers: 0, isSyncing: false, shouldHavePeers: false }));
  server.method('system_accountNextIndex', ([address]) => node.nextIndex(String(address)));
  server.method('rpc_methods', () => ({ version: 1, methods: server.methodNames() }));

  server.method('chain_getBlockHash', ([n]) => {
    if (n === undefined || n === null) return node.best.hash;
    const num = typeof n === 'string' ? Number.parseInt(n, n.startsWith('0x') ? 16 : 10) : Number(n);
    return node.blocks.byNumber(num)?.hash ?? null;
  });
  server.method('chain_getHeader', ([hash]) => {
    const block = hash === undefined || hash === null ? node.best : node.blocks.find(String(hash));
    return block ? headerJson(block.header) : null;
  });
  server.method('chain_getBlock', ([hash]) => {
    const block = hash === undefined || hash === null ? node.best : node.blocks.find(String(hash));
    return block ? { block: { header: headerJson(block.header), extrinsics: block.extrinsics }, justifications: null } : null;
  });
  server.method('chain_getFinalizedHead', () => node.blocks.byNumber(node.finalizedNumber)!.hash);

  const heads = (subscribe: string, notification: string, unsubscribe: string, pick: 'onBlock' | 'onFinalized') => {
    server.subscription(subscribe, notification, unsubscribe, (_params, sub) => {
      sub.send(headerJson((pick === 'onBlock' ? node.best : node.blocks.byNumber(node.finalizedNumber)!).header));
      return node.listen({ [pick]: (b: BlockRecord) => sub.send(headerJson(b.header)) });
    });
  };
  heads('chain_subscribeNewHeads', 'chain_newHead', 'chain_unsubscribeNewHeads', 'onBlock');
  heads('chain_subscribeNewHead', 'chain_newHead', 'chain_unsubscribeNewHead', 'onBlock');
  heads('chain_subscribeAllHeads', 'chain_allHead', 'chain_unsubscribeAllHeads', 'onBlock');
  heads('chain_subscribeFinalizedHeads', 'chain_finalizedHead', 'chain_unsubscribeFinalizedHeads', 'onFinalized');
  heads('chain_subscribeFinalisedHeads', 'chain_finalizedHead', 'chain_unsubscribeFinalisedHeads', 'onFinalized');

  server.method('state_getRuntimeVersion', ([hash]) => {
    at(hash);
    return rt.version;
  });
  server.subscription('state_subscribeRuntimeVersion', 'state_runtimeVersion', 'state_unsubscribeRuntimeVersion', (_p, sub) => {
    sub.send(rt.version);
  });
  server.method('state_getMetadata', ([hash]) => {
    at(hash);
    return rt.metadataHex;
  });
  server.method('state_call', ([method, data, hash]) => node.runtimeApis.call(String(method), hexParam(data ?? '0x', 'data'), at(hash)));
  server.method('state_getStorage', ([key, hash]) => at(hash).get(hexParam(key, 'key')));
  server.method('state_getStorageAt', ([key, hash]) => at(hash).get(hexParam(key, 'key')));
  server.method('state_getStorageHash', ([key, hash]) => {
    const v = at(hash).get(hexParam(key, 'key'));
    return v === null ? null : blake2AsHex(hexToU8a(v));
  });
  server.method('state_getStorageSize', ([key, hash]) => {
    const v = at(hash).get(hexParam(key, 'key'));
    return v === null ? null : (v.length - 2) / 2;
  });
  server.method('state_queryStorageAt', ([keys, hash]) => {
    const block = node.blocks.resolve(hash);
    const view = node.stateAt(block);
    const list = Array.isArray(keys) ? keys : [];
    return [{ block: block.hash, changes: list.map((k) => [String(k).toLowerCase(), view.get(hexParam(k, 'key'))]) }];
  });
  server.method('state_getKeysPaged', ([prefix, count, startKey, hash]) => {
    const n = Number(count);
    if (n > MAX_KEYS_PAGE) throw new RpcError(4002, `count exceeds maximum value. value: ${n}, max: ${MAX_KEYS_PAGE}`);
    return at(hash).keys(hexParam(prefix ?? '0x', 'prefix'), startKey ? hexParam(startKey, 'startKey') : undefined, n);
  });
  server.method('state_getKeys', ([prefix, hash]) => at(hash).keys(hexParam(prefix ?? '0x', 'prefix')));
  server.subscription('state_subscribeStorage', 'state_storage', 'state_unsubscribeStorage', (params, sub) => {
    const keys = Array.isArray(params[0]) ? params[0].map((k) => hexParam(k, 'key')) : undefined;
    if (keys) {
      const view = node.storage.view(node.best.number);
      sub.send({ block: node.best.hash, changes: keys.map((k) => [k, view.get(k)]) });
    }
    return node.listen({
      onBlock: (b) => {
        const changed = node.storage.changedAt(b.number, keys);
        if (changed.length) sub.send({ block: b.hash, changes: changed.map((k) => [k, node.storage.valueAt(k, b.number)]) });
      },
    });
  });

  server.method('author_submitExtrinsic', ([hex]) => node.submit(hexParam(hex, 'extrinsic')));
  server.subscription('author_submitAndWatchExtrinsic', 'author_extrinsicUpdate', 'author_unwatchExtrinsic', ([hex], sub) => {
    node.submit(hexParam(hex, 'extrinsic'), sub);
  });
  server.method('author_pendingExtrinsics', () => node.pool.entries.map((e) => e.tx.hex));

  server.method('payment_queryInfo', ([hex, hash]) => {
    at(hash);
    const { weight, partialFee } = estimate(decodeExtrinsic(rt, hexParam(hex, 'extrinsic')));
    // serde's shape on current nodes: Weight keeps Rust field names, the rest is camelCase.
    return { weight: { ref_time: Number(weight.refTime), proof_size: Number(weight.proofSize) }, class: 'normal', partialFee: partialFee.toString() };
  });
}
