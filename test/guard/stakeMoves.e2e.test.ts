import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendLog } from '../../src/workbook/sendLog.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { alterMetadata, copyStorage } from '../chain/alteredMetadata.js';
import { TestChain } from '../chain/testChain.js';
import { tempDir } from '../helpers.js';
import { makeKeys, ok, valtrac, type Keys } from '../payout/harness.js';

const TAO = 1_000_000_000n;
const HOLD = 100_000n;

// spec 381 with the spec-441 root hold: `RootStakeUnlockInterval` (a u64 value, the shape subtensor's source declares).
describe('confirm --as-stake while the owner\'s root stake is in its hold window', { timeout: 300_000 }, () => {
  let chain: TestChain;
  let keys: Keys;
  let dir: string;
  let workbook: string;
  let env: Record<string, string>;
  const w = () => ['--workbook', workbook];

  beforeAll(async () => {
    keys = await makeKeys('guardhold');
    const bytes = alterMetadata('devnet-381', (m) => copyStorage(m, 'SubtensorModule', 'NominatorMinRequiredStake', 'RootStakeUnlockInterval'));
    chain = await TestChain.start({ metadata: 'devnet-381', metadataBytes: bytes, blockIntervalMs: 50, finalityLag: 2 });
    chain.pauseProduction();
    chain.seedValidator({
      hotkey: keys.hotkey,
      owner: keys.owner,
      takePpm: 180_000n,
      emissionPerBlock: 0n,
      subnets: [{ netuid: 0, subnetTao: 1_000_000n * TAO, subnetAlphaIn: 1_000_000n * TAO }],
      stakes: [{ coldkey: keys.owner, netuid: 0, alpha: 100n * TAO }, { coldkey: keys.alice1, netuid: 0, alpha: 300n * TAO }],
    });
    chain.setFreeBalance(keys.owner, 10n * TAO);
    chain.setFreeBalance(keys.alice1, 1n * TAO);
    await chain.produceBlocks(1);
    dir = tempDir('guard-hold');
    workbook = path.join(dir, 'valtrac.xlsx');
    env = { VALTRAC_CACHE_DIR: path.join(dir, 'cache'), VALTRAC_PAYOUT_MNEMONIC: '//payout-guardhold-owner' };
    await ok(['init', ...w(), '--hotkey', keys.hotkey, '--network', chain.url]);
    await ok(['users', 'add', ...w(), 'alice', keys.alice1]);
    await new WorkbookStore(workbook).apply({ kind: 'setSettings', settings: { payoutColdkey: keys.owner } });
    await chain.produceBlocks(20);
    await ok(['snapshot', '--once', ...w()], env);
    await chain.produceBlocks(20);
    await ok(['snapshot', '--once', ...w()], env);
    await ok(['plan', ...w(), '--pool', '1'], env);
  }, 300_000);
  afterAll(async () => {
    await chain?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('is refused before anything is signed, with the reason and the subnet', async () => {
    const changed = BigInt(chain.bestNumber());
    chain.setStorage('SubtensorModule', 'RootStakeUnlockInterval', [], HOLD);
    chain.setStorage('SubtensorModule', 'LastColdkeyHotkeyStakeBlock', [keys.owner, keys.hotkey], changed);
    await chain.produceBlocks(3);
    const nonce = chain.nonce(keys.owner);
    const result = await valtrac(['confirm', ...w(), '--yes', '--as-stake'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(`^valtrac: confirm --as-stake: the runtime would refuse this stake move at block \\d+: subnet 0: root stake is inside its hold window until block ${changed + HOLD} \\(RootStakeLocked\\)\\. Nothing was signed\\.\\n$`),
    );
    await chain.produceBlocks(3);
    expect(chain.nonce(keys.owner)).toBe(nonce);
    expect(SendLog.beside(workbook).entries()).toEqual([]);
    expect(chain.internalErrors()).toEqual([]);
  });

  it('once the window has passed, the same payout goes through', async () => {
    chain.setStorage('SubtensorModule', 'RootStakeUnlockInterval', [], 5n);
    await chain.produceBlocks(10);
    chain.resumeProduction();
    const result = await ok(['confirm', ...w(), '--yes', '--as-stake'], env);
    chain.pauseProduction();
    expect(result.stdout).toContain('α on subnet 0');
    expect((await new WorkbookStore(workbook).read()).payouts.filter((r) => r.user === 'alice').map((r) => r.status)).toEqual(['paid']);
  });
});
