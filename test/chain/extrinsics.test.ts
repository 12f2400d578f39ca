import type { ApiPromise } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { compactFromU8a, u8aToHex } from '@polkadot/util';
import type { DispatchError, RuntimeDispatchInfo } from '@polkadot/types/interfaces';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { connectApi, rawRpc, sendAndWatch } from './helpers.js';
import { ALL_METADATA, TestChain } from './testChain.js';

const TAO = 1_000_000_000n;

describe.each(ALL_METADATA)('signed extrinsics on %s', (metadata) => {
  let chain: TestChain;
  let api: ApiPromise;
  let alice: KeyringPair;
  let bob: KeyringPair;
  let charlie: KeyringPair;

  beforeAll(async () => {
    await cryptoWaitReady();
    const sr = new Keyring({ type: 'sr25519', ss58Format: 42 });
    [alice, bob, charlie] = ['//Alice', '//Bob', '//Charlie'].map((uri) => sr.addFromUri(uri));
    chain = await TestChain.start({ metadata, blockIntervalMs: 150 });
    chain.setFreeBalance(alice.address, 100n * TAO);
    chain.setFreeBalance(bob.address, TAO);
    chain.setFreeBalance(charlie.address, TAO);
    await chain.produceBlocks(1);
    api = await connectApi(chain.url, metadata);
  });
  afterAll(async () => {
    await api?.disconnect();
    await chain?.close();
  });

  const blockNumber = async (hash: string) => (await api.rpc.chain.getHeader(hash)).number.toNumber();

  test('batch_all of transfer_keep_alive goes ready → inBlock → finalized; balances move by amount and the estimated fee', async () => {
    const tx = api.tx.utility.batchAll([
      api.tx.balances.transferKeepAlive(bob.address, 1_000_000n),
      api.tx.balances.transferKeepAlive(charlie.address, 2_000_000n),
    ]);
    const fee = (await tx.paymentInfo(alice)).partialFee.toBigInt();
    expect(fee).toBeGreaterThan(0n);
    const result = await sendAndWatch(tx, alice);
    expect(result.statuses).toEqual(['Ready', 'InBlock', 'Finalized']);
    const n = await blockNumber(result.blockHash);
    expect(chain.freeBalance(alice.address, n - 1) - chain.freeBalance(alice.address, n)).toBe(3_000_000n + fee);
    expect(chain.freeBalance(bob.address, n) - chain.freeBalance(bob.address, n - 1)).toBe(1_000_000n);
    expect(chain.freeBalance(charlie.address, n) - chain.freeBalance(charlie.address, n - 1)).toBe(2_000_000n);
    expect(result.dispatchError).toBeUndefined();
    const names = result.events.map((e) => `${e.section}.${e.method}`);
    expect(names).toEqual(['balances.Withdraw', 'balances.Transfer', 'utility.ItemCompleted', 'balances.Transfer', 'utility.ItemCompleted',
      'utility.BatchCompleted', 'transactionPayment.TransactionFeePaid', 'system.ExtrinsicSuccess']);
    const paid = result.events.find((e) => e.method === 'TransactionFeePaid')!;
    expect(BigInt(String(paid.data[1]))).toBe(fee);
    expect(String(result.events[1].data[0])).toBe(alice.address);
    expect(chain.nonce(alice.address)).toBe(1);

    const again = await rawRpc(chain.url, 'author_submitExtrinsic', [tx.toHex()]);
    expect(again.error).toEqual({ code: 1012, message: 'Transaction is temporarily banned' });
  });

  test.each(['ed25519', 'ecdsa'] as const)('a %s signer’s transfer is verified and applied', async (type) => {
    const pair = new Keyring({ type, ss58Format: 42 }).addFromUri(`//Dave-${type}`);
    const funded = await sendAndWatch(api.tx.balances.transferKeepAlive(pair.address, TAO), alice);
    expect(funded.dispatchError).toBeUndefined();
    // paymentInfo signs with a fake 64-byte signature; an ecdsa one is 65 bytes, so estimate the signed bytes.
    const tx = await api.tx.balances.transferAllowDeath(bob.address, 12_345n).signAsync(pair);
    const fee = ((await api.call.transactionPaymentApi.queryInfo(tx.toU8a(), tx.encodedLength)) as unknown as RuntimeDispatchInfo).partialFee.toBigInt();
    expect((await rawRpc(chain.url, 'payment_queryInfo', [tx.toHex()])).result).toMatchObject({ class: 'normal', partialFee: fee.toString() });
    const result = await sendAndWatch(tx);
    const n = await blockNumber(result.blockHash);
    expect(chain.freeBalance(pair.address, n - 1) - chain.freeBalance(pair.address, n)).toBe(12_345n + fee);
    expect(result.events.map((e) => e.method)).toContain('ExtrinsicSuccess');
  });

  test('a bad signature, a stale nonce, an expired era and an empty purse are refused with the node’s errors', async () => {
    const signed = await api.tx.balances.transferKeepAlive(bob.address, 1_000n).signAsync(alice);
    const bytes = signed.toU8a();
    const [prefix] = compactFromU8a(bytes);
    bytes[prefix + 1 + 33 + 1 + 7] ^= 0xff; // a byte inside the sr25519 signature
    expect((await rawRpc(chain.url, 'author_submitExtrinsic', [u8aToHex(bytes)])).error)
      .toEqual({ code: 1010, message: 'Invalid Transaction', data: 'Transaction has a bad signature' });

    const stale = await api.tx.balances.transferKeepAlive(bob.address, 1_000n).signAsync(alice, { nonce: 0 });
    expect((await rawRpc(chain.url, 'author_submitExtrinsic', [stale.toHex()])).error)
      .toEqual({ code: 1010, message: 'Invalid Transaction', data: 'Transaction is outdated' });

    const mortal = await api.tx.balances.transferKeepAlive(bob.address, 1_000n).signAsync(alice, { era: 4 });
    const signedAt = chain.bestNumber();
    while (chain.bestNumber() < signedAt + 6) await new Promise((r) => setTimeout(r, 100));
    const expired = (await rawRpc(chain.url, 'author_submitExtrinsic', [mortal.toHex()])).error;
    expect(expired?.code).toBe(1010);
    // Past its death the era names a later birth block: a different hash is signed, or none is known yet.
    expect(['Transaction has a bad signature', 'Transaction has an ancient birth block']).toContain(expired?.data);

    const poor = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Poor');
    chain.setFreeBalance(poor.address, 10_000n);
    await chain.produceBlocks(1);
    const broke = await api.tx.balances.transferKeepAlive(bob.address, 1_000n).signAsync(poor);
    expect((await rawRpc(chain.url, 'author_submitExtrinsic', [broke.toHex()])).error)
      .toEqual({ code: 1010, message: 'Invalid Transaction', data: 'Inability to pay some fees (e.g. account balance too low)' });
  });

  test('batch_all with a transfer that would create an account below the ED fails atomically; the fee is still charged', async () => {
    const fresh = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Fresh').address;
    const tx = api.tx.utility.batchAll([
      api.tx.balances.transferKeepAlive(bob.address, 1_000_000n),
      api.tx.balances.transferKeepAlive(fresh, 499n),
    ]);
    const fee = (await tx.paymentInfo(alice)).partialFee.toBigInt();
    const nonce = chain.nonce(alice.address);
    const result = await sendAndWatch(tx, alice);
    const n = await blockNumber(result.blockHash);
    expect(result.dispatchError?.isToken).toBe(true);
    expect(result.dispatchError?.asToken.isBelowMinimum).toBe(true);
    expect(chain.freeBalance(alice.address, n - 1) - chain.freeBalance(alice.address, n)).toBe(fee);
    expect(chain.freeBalance(bob.address, n)).toBe(chain.freeBalance(bob.address, n - 1));
    expect(chain.freeBalance(fresh, n)).toBe(0n);
    expect(chain.nonce(alice.address)).toBe(nonce + 1);
    expect(result.events.map((e) => `${e.section}.${e.method}`)).toEqual(['balances.Withdraw', 'transactionPayment.TransactionFeePaid', 'system.ExtrinsicFailed']);
  });

  test('batch stops at the first failure with BatchInterrupted and keeps what went before', async () => {
    const tx = api.tx.utility.batch([
      api.tx.balances.transferKeepAlive(charlie.address, 7_000n),
      api.tx.balances.transferKeepAlive(bob.address, 1_000n * TAO),
      api.tx.balances.transferKeepAlive(charlie.address, 9_000n),
    ]);
    const result = await sendAndWatch(tx, alice);
    const n = await blockNumber(result.blockHash);
    expect(result.dispatchError).toBeUndefined();
    expect(chain.freeBalance(charlie.address, n) - chain.freeBalance(charlie.address, n - 1)).toBe(7_000n);
    const interrupted = result.events.find((e) => e.method === 'BatchInterrupted')!;
    expect(Number(String(interrupted.data[0]))).toBe(1);
    expect((interrupted.data[1] as DispatchError).isToken).toBe(true);
    expect((interrupted.data[1] as DispatchError).asToken.type).toBe('FundsUnavailable');
  });
});
