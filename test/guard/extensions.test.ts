import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { readFileSync } from 'node:fs';
import { Metadata, TypeRegistry } from '@polkadot/types';
import type { ApiPromise } from '@polkadot/api';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/chain/connect.js';
import { judgeExtensions } from '../../src/chain/extensions.js';
import { MetadataCache } from '../../src/chain/metadataCache.js';
import { signBatch } from '../../src/chain/transfer.js';
import { extensionTypes } from '../../src/chain/typeShape.js';
import { UserError } from '../../src/util/errors.js';
import { addExtension, alterMetadata } from '../chain/alteredMetadata.js';
import { ALL_METADATA, metadataPath, TestChain } from '../chain/testChain.js';
import { tempDir } from '../helpers.js';

const TAO = 1_000_000_000n;
const load = (bytes: Uint8Array) => new Metadata(new TypeRegistry(), bytes);

describe('transaction extensions, judged from the metadata', () => {
  it.each(ALL_METADATA)('%s: ValTrac signs for every extension', (name) => {
    const verdicts = judgeExtensions(extensionTypes(load(readFileSync(metadataPath(name)))));
    expect(verdicts.filter((v) => v.refused)).toEqual([]);
    expect(verdicts.find((v) => v.identifier === 'CheckMortality')!.filled).toBe('a mortal era');
  });

  it('2026 extensions that carry no data are signed as empty; one with data is named, never guessed', () => {
    const bytes = alterMetadata('devnet-381', (m) => {
      addExtension(m, 'CheckShieldedTxValidity', 'nothing');
      addExtension(m, 'FutureTip', 'U64');
    });
    const verdicts = judgeExtensions(extensionTypes(load(bytes)));
    expect(verdicts.find((v) => v.identifier === 'CheckShieldedTxValidity')).toMatchObject({ refused: null, filled: 'nothing (carries no data)' });
    expect(verdicts.find((v) => v.identifier === 'FutureTip')!.refused).toBe(
      'FutureTip carries data (u64 in the extrinsic, () signed) that ValTrac does not know how to fill',
    );
  });

  it('a standard extension whose encoding changed is refused', () => {
    const bytes = alterMetadata('devnet-346', (m) => {
      const list = m.body.extrinsic.transactionExtensions;
      const nonce = list.find((e: { identifier: string }) => e.identifier === 'CheckNonce');
      nonce.type = list.find((e: { identifier: string }) => e.identifier === 'CheckSpecVersion').implicit; // a plain u32
    });
    const verdict = judgeExtensions(extensionTypes(load(bytes))).find((v) => v.identifier === 'CheckNonce')!;
    expect(verdict.refused).toBe('CheckNonce is encoded as u32 + signed (), not the standard form ValTrac fills');
  });
});

describe('signing on the test chain with 2026 extensions', { timeout: 120_000 }, () => {
  let chain: TestChain | undefined;
  let api: ApiPromise | undefined;
  beforeAll(cryptoWaitReady);
  afterEach(async () => {
    await api?.disconnect();
    await chain?.close();
    api = chain = undefined;
  });

  async function start(bytes: Uint8Array) {
    chain = await TestChain.start({ metadata: 'devnet-381', metadataBytes: bytes, finalityLag: 1 });
    const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//guard-ext-payer');
    chain.setFreeBalance(pair.address, 10n * TAO);
    await chain.produceBlocks(2);
    api = await connect(chain.url, { metadataCache: new MetadataCache(tempDir('guard-ext')), log: () => undefined });
    const head = await api.rpc.chain.getHeader();
    const birth = { number: head.number.toNumber(), hash: head.hash.toHex() };
    const to = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//guard-ext-alice').address;
    return { pair, birth, to };
  }

  it('a signature over CheckShieldedTxValidity, SudoTransactionExtension, SubtensorTransactionExtension, DrandPriority and CheckMetadataHash is accepted by the node', async () => {
    const { pair, birth, to } = await start(alterMetadata('devnet-381', (m) => addExtension(m, 'CheckShieldedTxValidity', 'nothing')));
    const signed = await signBatch(api!, pair, [{ user: 'alice', address: to, amount: 2n * TAO }], 0, birth);
    await api!.rpc.author.submitExtrinsic(signed.hex);
    await chain!.produceBlocks(1);
    expect(chain!.freeBalance(to)).toBe(2n * TAO);
    expect(chain!.internalErrors()).toEqual([]);
  });

  it('an extension carrying data ValTrac cannot fill is refused by name before signing', async () => {
    const { pair, birth, to } = await start(alterMetadata('devnet-381', (m) => addExtension(m, 'FutureTip', 'U64')));
    const signing = signBatch(api!, pair, [{ user: 'alice', address: to, amount: 2n * TAO }], 0, birth);
    await expect(signing).rejects.toThrow(UserError);
    await expect(signing).rejects.toThrow(/^spec 381: ValTrac cannot sign for this runtime's transaction extensions: FutureTip carries data \(u64 in the extrinsic/);
  });
});
