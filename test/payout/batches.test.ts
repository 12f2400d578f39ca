import { Keyring } from '@polkadot/keyring';
import type { ApiPromise } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitToFit } from '../../src/chain/batches.js';
import { connect } from '../../src/chain/connect.js';
import { batchCall, blockLimits, planBatches, type Transfer } from '../../src/chain/transfer.js';
import { TestChain } from '../chain/testChain.js';

describe('splitToFit', () => {
  it('keeps everything in one chunk when it fits, else halves until each chunk fits, in order', async () => {
    const items = Array.from({ length: 11 }, (_, i) => i);
    // load: one unit per item, three fit
    const measure = async (c: readonly number[]) => ({ load: c.length / 3, value: c.length });
    expect(await splitToFit(items, async (c) => ({ load: 0.5, value: c.length }))).toEqual([{ chunk: items, value: 11 }]);
    const chunks = await splitToFit(items, measure);
    expect(chunks.flatMap((c) => c.chunk)).toEqual(items);
    expect(chunks.map((c) => c.value)).toEqual([3, 3, 3, 2]);
    await expect(splitToFit([1], async () => ({ load: 2, value: 0 }))).rejects.toThrow(/does not fit/);
  });
});

describe('planBatches against the runtime limits', () => {
  let chain: TestChain;
  let api: ApiPromise;
  beforeAll(async () => {
    await cryptoWaitReady();
    chain = await TestChain.start({ metadata: 'devnet-346' });
    await chain.produceBlocks(1);
    api = await connect(chain.url);
  }, 120_000);
  afterAll(async () => {
    await api?.disconnect();
    await chain?.close();
  });

  it('splits a payout that would exceed the normal-class extrinsic weight, each batch within the limit', async () => {
    const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
    const sender = keyring.addFromUri('//batches-sender').address;
    const recipient = keyring.addFromUri('//batches-recipient').address;
    const limits = blockLimits(api);
    const one = (await batchCall(api, [{ user: 'u', address: recipient, amount: 1_000n }]).paymentInfo(sender)).weight.refTime.toBigInt();
    // twice as many transfers as the estimate says fit in one extrinsic
    const count = Number((2n * limits.refTime) / one) + 1;
    const transfers: Transfer[] = Array.from({ length: count }, (_, i) => ({ user: `u${i}`, address: recipient, amount: BigInt(1_000 + i) }));
    const batches = await planBatches(api, sender, transfers);
    expect(batches.length).toBeGreaterThanOrEqual(2);
    expect(batches.flatMap((b) => b.transfers)).toEqual(transfers);
    for (const b of batches) {
      expect(b.refTime <= limits.refTime).toBe(true);
      expect(b.length <= limits.length).toBe(true);
      expect(b.fee > 0n).toBe(true);
    }
  }, 300_000);
});
