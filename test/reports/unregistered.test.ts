import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ApiPromise } from '@polkadot/api';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanIdentityName, identityNames, validatorIdentity } from '../../src/chain/identity.js';
import { unregisteredNominators } from '../../src/domain/unregistered.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { connectApi } from '../chain/helpers.js';
import { TestChain } from '../chain/testChain.js';
import { seedWorkbook } from '../fixtures/workbook.js';
import * as seed from '../fixtures/seed.js';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../../dist/cli.js');
const HOTKEY = seed.settings.hotkey!;
const OWNER = seed.ADDR.carol;

describe('unregistered nominators (stats --unregistered)', () => {
  test('every nominator that is not a user, largest first', () => {
    const n = (coldkey: string, stake: bigint) => ({ coldkey, stake, subnets: [] });
    const list = unregisteredNominators([n(seed.ADDR.alice, 9n), n('5X-small', 1n), n('5Y-big', 7n), n('5A-tie', 1n), n('5Z-none', 0n)], seed.users);
    expect(list).toEqual([
      { coldkey: '5Y-big', stake: 7n },
      { coldkey: '5A-tie', stake: 1n },
      { coldkey: '5X-small', stake: 1n },
    ]);
  });

  test('identity names are shown as plain text: no direction or control characters, bounded', () => {
    expect(cleanIdentityName('  Tensor\u202e Friends\u0007 ')).toBe('Tensor Friends');
    expect(cleanIdentityName('\u200b')).toBeNull();
    expect(cleanIdentityName('x'.repeat(200))).toHaveLength(64);
  });

  describe('against the test chain (devnet-346 metadata, IdentitiesV2)', () => {
    let chain: TestChain;
    let api: ApiPromise;
    beforeAll(async () => {
      await cryptoWaitReady();
      chain = await TestChain.start({ metadata: 'devnet-346' });
      chain.setStorage('SubtensorModule', 'Owner', [HOTKEY], OWNER);
      chain.setStorage('SubtensorModule', 'IdentitiesV2', [OWNER], { name: 'Tensor Friends', url: 'https://example.org' });
      chain.setStorage('SubtensorModule', 'IdentitiesV2', [seed.ADDR.stranger], { name: 'Stranger Co' });
      await chain.produceBlocks(1);
      api = await connectApi(chain.url, 'devnet-346');
    }, 60_000);
    afterAll(async () => {
      await api?.disconnect();
      await chain?.close();
    });

    test("the validator's name is its owner coldkey's identity; coldkeys without one have none", async () => {
      expect(await validatorIdentity(api, HOTKEY)).toBe('Tensor Friends');
      expect(await validatorIdentity(api, seed.ADDR.bob)).toBeNull();
      const names = await identityNames(api, [seed.ADDR.stranger, seed.ADDR.bob]);
      expect([...names]).toEqual([
        [seed.ADDR.stranger, 'Stranger Co'],
        [seed.ADDR.bob, null],
      ]);
    });

    test('the command lists the stranger with stake and identity name; without a node, without names', async () => {
      const workbook = await seedWorkbook(await mkdtemp(path.join(os.tmpdir(), 'valtrac-unregistered-')));
      const offline = await run(process.execPath, [CLI, 'stats', '--unregistered', '--workbook', workbook]);
      expect(offline.stdout).toContain('Nominators who are not registered users at block 3100: 1, holding 20.000000000 of 214.000000000 TAO');
      expect(offline.stdout).toContain('identity names not read');
      expect(offline.stdout).toMatch(new RegExp(`1\\. ${seed.ADDR.stranger}  20\\.000000000 TAO\\n`));
      await new WorkbookStore(workbook).apply({ kind: 'setSettings', settings: { network: chain.url } });
      const online = await run(process.execPath, [CLI, 'stats', '--unregistered', '--workbook', workbook]);
      expect(online.stdout).toContain(`1. ${seed.ADDR.stranger}  20.000000000 TAO  Stranger Co`);
      const json = JSON.parse((await run(process.execPath, [CLI, 'stats', '--unregistered', '--json', '--workbook', workbook])).stdout);
      expect(json.nominators).toEqual([{ coldkey: seed.ADDR.stranger, stake: '20000000000', name: 'Stranger Co' }]);
    }, 120_000);
  });
});
