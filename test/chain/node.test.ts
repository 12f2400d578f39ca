import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { AccountInfo, Header } from '@polkadot/types/interfaces';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectApi, produceUntil, rawRpc, sendAndWatch, waitFor } from './helpers.js';
import { TestChain } from './testChain.js';

const TAO = 1_000_000_000n;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(['finney-219', 'devnet-381'] as const)('pool, subscriptions and faults on %s', (metadata) => {
  let chain: TestChain;
  let api: ApiPromise;
  let sr: Keyring;
  let alice: KeyringPair;
  let bob: KeyringPair;

  beforeAll(async () => {
    await cryptoWaitReady();
    sr = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, bob] = ['//Alice', '//Bob'].map((uri) => sr.addFromUri(uri));
    chain = await TestChain.start({ metadata });
    chain.setFreeBalance(alice.address, 100n * TAO);
    chain.setFreeBalance(bob.address, TAO);
    await chain.produceBlocks(1);
    api = await connectApi(chain.url, metadata);
  });
  afterAll(async () => {
    await api?.disconnect();
    await chain?.close();
  });

  test('a future nonce waits in the pool until the gap is filled; both land in one block in nonce order', async () => {
    const nonce = chain.nonce(alice.address);
    const later = await api.tx.balances.transferKeepAlive(bob.address, 2_000n).signAsync(alice, { nonce: nonce + 1 });
    const first = await api.tx.balances.transferKeepAlive(bob.address, 1_000n).signAsync(alice, { nonce });
    const statuses: string[] = [];
    let firstStatus!: () => void;
    const gotFirstStatus = new Promise<void>((resolve) => { firstStatus = resolve; });
    const laterDone = new Promise<string>((resolve, reject) => {
      later.send((r) => {
        statuses.push(r.status.type);
        firstStatus();
        if (r.status.isInBlock) resolve(r.status.asInBlock.toHex());
      }).catch(reject);
    });
    await gotFirstStatus;
    expect(statuses).toEqual(['Future']);
    const again = await rawRpc(chain.url, 'author_submitExtrinsic', [later.toHex()]);
    expect(again.error).toEqual({ code: 1013, message: 'Transaction Already Imported', data: later.hash.toHex() });
    await api.rpc.author.submitExtrinsic(first);
    expect((await api.rpc.author.pendingExtrinsics()).map((x) => x.hash.toHex()).sort()).toEqual([first.hash.toHex(), later.hash.toHex()].sort());
    expect((await api.rpc.system.accountNextIndex(alice.address)).toNumber()).toBe(nonce + 2);
    const inBlock = await produceUntil(chain, laterDone);
    const block = await api.rpc.chain.getBlock(inBlock);
    const hashes = block.block.extrinsics.map((x) => x.hash.toHex());
    expect(hashes.indexOf(first.hash.toHex())).toBeLessThan(hashes.indexOf(later.hash.toHex()));
    expect(statuses.slice(0, 3)).toEqual(['Future', 'Ready', 'InBlock']);
    expect(chain.nonce(alice.address)).toBe(nonce + 2);
  });

  test('signAndSend without a callback asks AccountNonceApi and submits', async () => {
    const nonce = chain.nonce(alice.address);
    const hash = await api.tx.balances.transferKeepAlive(bob.address, 3_000n).signAndSend(alice, { nonce: -1 });
    expect(hash.toHex()).toMatch(/^0x[0-9a-f]{64}$/);
    await chain.produceBlocks(1);
    expect(chain.nonce(alice.address)).toBe(nonce + 1);
  });

  test('storage subscriptions and head subscriptions follow new blocks; finality lags by 2', async () => {
    const seen: bigint[] = [];
    const unsubAccount = (await api.query.system.account(bob.address, (info: AccountInfo) => {
      seen.push(info.data.free.toBigInt());
    })) as unknown as () => void;
    const finalized: number[] = [];
    const unsubHeads = await api.rpc.chain.subscribeFinalizedHeads((h: Header) => {
      finalized.push(h.number.toNumber());
    });
    const start = chain.freeBalance(bob.address);
    chain.setFreeBalance(bob.address, start + 777n);
    await chain.produceBlocks(3);
    await waitFor(() => seen.includes(start + 777n) && finalized[finalized.length - 1] === chain.bestNumber() - 2, 'storage and finalized-head notifications');
    unsubAccount();
    unsubHeads();
    expect(seen[0]).toBe(start);
    expect(seen).toContain(start + 777n);
    expect(finalized[finalized.length - 1]).toBe(chain.bestNumber() - 2);
    expect(chain.finalizedNumber()).toBe(chain.bestNumber() - 2);
    expect((await api.rpc.chain.getFinalizedHead()).toHex()).toBe(chain.blockHash(chain.bestNumber() - 2));
  });

  test('transfer_all and force_batch follow the runtime’s rules', async () => {
    const carol = sr.addFromUri('//CarolTransferAll');
    const fund = await produceUntil(chain, sendAndWatch(api.tx.balances.transferKeepAlive(carol.address, TAO), alice));
    expect(fund.dispatchError).toBeUndefined();
    const all = await produceUntil(chain, sendAndWatch(api.tx.balances.transferAll(bob.address, false), carol));
    expect(all.events.map((e) => e.method)).toContain('KilledAccount');
    expect(chain.freeBalance(carol.address)).toBe(0n);

    const forced = await produceUntil(chain, sendAndWatch(api.tx.utility.forceBatch([
      api.tx.balances.transferKeepAlive(bob.address, 1_000n),
      api.tx.balances.transferKeepAlive(sr.addFromUri('//Nobody').address, 10n),
      api.tx.balances.transferKeepAlive(bob.address, 2_000n),
    ]), alice));
    expect(forced.events.map((e) => e.method).filter((m) => m.startsWith('Item') || m.startsWith('Batch')))
      .toEqual(['ItemCompleted', 'ItemFailed', 'ItemCompleted', 'BatchCompletedWithErrors']);
  });

  test('dropped connections: the client reconnects and carries on', async () => {
    const reconnected = new Promise<void>((resolve) => api.once('connected', () => resolve()));
    chain.dropConnections();
    await reconnected;
    await api.isReady;
    const info = (await api.query.system.account(alice.address)) as unknown as AccountInfo;
    expect(info.data.free.toBigInt()).toBe(chain.freeBalance(alice.address));
  });
});

describe('timer production', () => {
  test('blocks come on a timer, pause and resume', async () => {
    const chain = await TestChain.start({ metadata: 'devnet-346', blockIntervalMs: 40 });
    try {
      while (chain.bestNumber() < 3) await sleep(20);
      chain.pauseProduction();
      await sleep(60);
      const paused = chain.bestNumber();
      await sleep(200);
      expect(chain.bestNumber()).toBe(paused);
      chain.resumeProduction();
      while (chain.bestNumber() < paused + 2) await sleep(20);
      expect(chain.bestNumber()).toBeGreaterThanOrEqual(paused + 2);
    } finally {
      await chain.close();
    }
  });
});
