import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiPromise } from '@polkadot/api';
import type { AccountInfo } from '@polkadot/types/interfaces';
import { blake2AsU8a, cryptoWaitReady, encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectApi, rawRpc } from './helpers.js';
import { loadRuntime } from './metadataFiles.js';
import { ALL_METADATA, TestChain } from './testChain.js';

/** Deterministic addresses without key derivation (deriving a thousand sr25519 keys takes seconds). */
const address = (seed: string) => encodeAddress(blake2AsU8a(seed), 42);

describe.each(ALL_METADATA)('test chain state with %s metadata', (metadata) => {
  let chain: TestChain;
  let api: ApiPromise;
  const alice = () => address('Alice');

  beforeAll(async () => {
    await cryptoWaitReady();
    chain = await TestChain.start({ metadata });
    api = await connectApi(chain.url, metadata);
  });
  afterAll(async () => {
    await api?.disconnect();
    await chain?.close();
  });

  test('@polkadot/api connects and sees the metadata’s own runtime version and genesis', async () => {
    const expected = loadRuntime(metadata).version;
    expect(api.runtimeVersion.specVersion.toNumber()).toBe(expected.specVersion);
    expect(api.runtimeVersion.transactionVersion.toNumber()).toBe(expected.transactionVersion);
    expect(api.genesisHash.toHex()).toBe(chain.genesisHash);
    expect(api.registry.chainSS58).toBe(42);
    expect(api.registry.chainTokens).toEqual(['TAO']);
    expect(api.consts.balances.existentialDeposit.toString()).toBe('500');
    const health = await api.rpc.system.health();
    expect(health.isSyncing.isFalse).toBe(true);
  });

  test('storage read at a past block answers what was true then', async () => {
    chain.setFreeBalance(alice(), 1_000_000_000n);
    await chain.produceBlocks(1);
    const first = chain.bestNumber();
    chain.setFreeBalance(alice(), 2_500_000_000n);
    await chain.produceBlocks(1);
    const past = (await api.query.system.account.at(chain.blockHash(first), alice())) as unknown as AccountInfo;
    const now = (await api.query.system.account(alice())) as unknown as AccountInfo;
    expect(past.data.free.toBigInt()).toBe(1_000_000_000n);
    expect(now.data.free.toBigInt()).toBe(2_500_000_000n);
    expect(chain.freeBalance(alice(), first)).toBe(1_000_000_000n);
    const stamp = await api.query.timestamp.now.at(chain.blockHash(first));
    const later = await api.query.timestamp.now();
    expect(BigInt(later.toString()) - BigInt(stamp.toString())).toBe(12_000n);
    const header = await api.rpc.chain.getHeader(chain.blockHash(first + 1));
    expect(header.parentHash.toHex()).toBe(chain.blockHash(first));
  });

  test('entries() pages over more than 1000 keys and the seeded stake decodes', async () => {
    const hotkey = address('validator-hotkey');
    const owner = address('validator-owner');
    const stakes = Array.from({ length: 1_050 }, (_, i) => ({ coldkey: address(`nominator-${i}`), netuid: 0, alpha: 1_000_000n + BigInt(i) }));
    stakes.push({ coldkey: owner, netuid: 0, alpha: 7_000_000n });
    chain.seedValidator({ hotkey, owner, takePpm: 180_000n, subnets: [{ netuid: 0, subnetTao: 0n, subnetAlphaIn: 0n }], stakes });
    await chain.produceBlocks(1);
    const map = chain.era === 'dynamic' ? api.query.subtensorModule.alpha : api.query.subtensorModule.stake;
    const entries = await map.entries(hotkey);
    expect(entries.length).toBe(stakes.length);
    const owners = await api.query.subtensorModule.owner(hotkey);
    expect(owners.toString()).toBe(owner);
    expect(Number((await api.query.subtensorModule.delegates(hotkey)).toString())).toBe(Math.floor((180_000 * 65_535) / 1_000_000));
    const total = chain.era === 'dynamic'
      ? (await api.query.subtensorModule.totalHotkeyAlpha(hotkey, 0)).toString()
      : (await api.query.subtensorModule.totalHotkeyStake(hotkey)).toString();
    expect(BigInt(total)).toBe(stakes.reduce((s, x) => s + x.alpha, 0n));
  });

  test('unknown block hashes and runtime calls get the node’s errors', async () => {
    const unknown = `0x${'12'.repeat(32)}`;
    const storage = await rawRpc(chain.url, 'state_getStorage', [api.query.timestamp.now.key(), unknown]);
    expect(storage.error).toEqual({ code: 4003, message: `Client error: UnknownBlock: Header was not found in the database: ${unknown}` });
    await expect(api.rpc.state.call('Nope_nothing', '0x')).rejects.toThrow('4003: Client error: Execution failed: Other: Exported method Nope_nothing is not found');
    const page = await rawRpc(chain.url, 'state_getKeysPaged', ['0x', 1001, null]);
    expect(page.error?.code).toBe(4002);
  });
});

describe('pruning', () => {
  test('a pruned block’s state answers "State already discarded"', async () => {
    const chain = await TestChain.start({ metadata: 'devnet-346', pruneDepth: 3 });
    const api = await connectApi(chain.url, 'devnet-346');
    try {
      await chain.produceBlocks(6);
      const key = api.query.timestamp.now.key();
      const pruned = await rawRpc(chain.url, 'state_getStorage', [key, chain.blockHash(2)]);
      expect(pruned.error).toEqual({ code: 4003, message: `Client error: UnknownBlock: State already discarded for ${chain.blockHash(2)}` });
      const recent = await api.query.timestamp.now.at(chain.blockHash(4));
      expect(BigInt(recent.toString())).toBeGreaterThan(0n);
      // Headers outlive state on a pruned node.
      const header = await rawRpc(chain.url, 'chain_getHeader', [chain.blockHash(1)]);
      expect((header.result as { number: string }).number).toBe('0x1');
    } finally {
      await api.disconnect();
      await chain.close();
    }
  });
});

describe('shared metadata location', () => {
  test('a missing metadata file fails with its path and how to fix it', async () => {
    const previous = process.env.VALTRAC_SHARED;
    const empty = mkdtempSync(path.join(os.tmpdir(), 'valtrac-shared-'));
    process.env.VALTRAC_SHARED = empty;
    try {
      await expect(TestChain.start({ metadata: 'devnet-381' }))
        .rejects.toThrow(`test chain: metadata file ${path.join(empty, 'subtensor', 'metadata', 'devnet-381.scale')} is missing; put the shared subtensor metadata there or set VALTRAC_SHARED`);
    } finally {
      if (previous === undefined) delete process.env.VALTRAC_SHARED;
      else process.env.VALTRAC_SHARED = previous;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
