import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { connect } from '../../src/chain/connect.js';
import { MetadataCache } from '../../src/chain/metadataCache.js';
import { tempDir } from '../helpers.js';
import { loadRuntime } from './metadataFiles.js';
import { TestChain } from './testChain.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the node metadata cache', () => {
  let dir: string;
  let cache: MetadataCache;
  const chains: TestChain[] = [];

  beforeEach(() => {
    dir = tempDir('metadata-cache');
    cache = new MetadataCache(dir);
  });
  afterEach(async () => {
    for (const chain of chains.splice(0)) await chain.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(metadata: 'devnet-346' | 'devnet-381', genesisOf?: 'devnet-346') {
    const chain = await TestChain.start({ metadata, genesisOf });
    chains.push(chain);
    await chain.produceBlocks(1);
    return chain;
  }

  async function connected<T>(chain: TestChain, use: (api: Awaited<ReturnType<typeof connect>>) => T): Promise<{ value: T; requests: number }> {
    const before = chain.rpcRequests;
    const api = await connect(chain.url, { metadataCache: cache, log: () => undefined });
    try {
      return { value: use(api), requests: chain.rpcRequests - before };
    } finally {
      await api.disconnect();
    }
  }

  test('a first connection saves the metadata under genesis and spec version; the next one does not download it', async () => {
    const chain = await start('devnet-346');
    const first = await connected(chain, (api) => api.runtimeMetadata.toHex());
    const files = fs.readdirSync(dir);
    expect(files).toEqual([`${chain.genesisHash}-346.${sha256(first.value)}.hex`]);
    expect(fs.readFileSync(path.join(dir, files[0]!), 'utf8')).toBe(first.value);
    const second = await connected(chain, (api) => api.runtimeMetadata.toHex());
    expect(second.value).toBe(first.value);
    expect(second.requests).toBeLessThan(first.requests);
  });

  test("the entry of the node's genesis and spec version is the metadata the api decodes", async () => {
    const chain = await start('devnet-346');
    // Another runtime's metadata planted under this chain's key: only a cache that is really read would use it.
    const planted = loadRuntime('devnet-381').metadataHex;
    fs.writeFileSync(path.join(dir, `${chain.genesisHash}-346.${sha256(planted)}.hex`), planted);
    const used = await connected(chain, (api) => api.runtimeMetadata.toHex());
    expect(used.value).toBe(planted);
  });

  test('a runtime upgrade (same genesis, another spec version) fetches the new metadata and drops the old entry', async () => {
    const before = await start('devnet-346');
    await connected(before, () => undefined);
    await before.close();
    chains.splice(0);
    const after = await start('devnet-381', 'devnet-346');
    expect(after.genesisHash).toBe(before.genesisHash);
    const upgraded = await connected(after, (api) => ({ spec: api.runtimeVersion.specVersion.toNumber(), hex: api.runtimeMetadata.toHex() }));
    expect(upgraded.value.spec).toBe(381);
    expect(fs.readdirSync(dir)).toEqual([`${after.genesisHash}-381.${sha256(upgraded.value.hex)}.hex`]);
  });

  test('a damaged entry is never decoded: it is removed and the metadata fetched and saved again', async () => {
    const chain = await start('devnet-346');
    const good = await connected(chain, (api) => api.runtimeMetadata.toHex());
    const [name] = fs.readdirSync(dir);
    fs.writeFileSync(path.join(dir, name!), `${good.value.slice(0, -8)}00000000`);
    const again = await connected(chain, (api) => api.runtimeMetadata.toHex());
    expect(again.value).toBe(good.value);
    expect(fs.readFileSync(path.join(dir, name!), 'utf8')).toBe(good.value);
  });
});
