import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkbookStore } from '../../src/workbook/store.js';
import { alterMetadata, copyStorage, retypeStorage } from '../chain/alteredMetadata.js';
import { TestChain } from '../chain/testChain.js';
import { tempDir } from '../helpers.js';
import { makeKeys, ok, valtrac, type Keys } from '../payout/harness.js';

const TAO = 1_000_000_000n;

// spec 381's metadata as a later runtime might have changed it: a new version of the share map and a retyped switch.
const DIFFERENCES = [
  '`SubtensorModule.TransferToggle` changed shape to Default Identity:u16->u32 (whether stake may be transferred on a subnet)',
  '`SubtensorModule.AlphaV3` is new (a new version of `SubtensorModule.Alpha`)',
];

describe('a runtime ValTrac does not know (spec 381 metadata altered)', { timeout: 300_000 }, () => {
  let chain: TestChain;
  let keys: Keys;
  let dir: string;
  let workbook: string;
  let env: Record<string, string>;
  const w = () => ['--workbook', workbook];

  beforeAll(async () => {
    keys = await makeKeys('guard');
    const bytes = alterMetadata('devnet-381', (m) => {
      retypeStorage(m, 'SubtensorModule', 'TransferToggle', 'U32');
      copyStorage(m, 'SubtensorModule', 'Alpha', 'AlphaV3');
    });
    chain = await TestChain.start({ metadata: 'devnet-381', metadataBytes: bytes, blockIntervalMs: 50, finalityLag: 2 });
    chain.pauseProduction();
    chain.seedValidator({
      hotkey: keys.hotkey,
      owner: keys.owner,
      takePpm: 180_000n,
      emissionPerBlock: 10_000_000n,
      subnets: [{ netuid: 0, subnetTao: 1_000_000n * TAO, subnetAlphaIn: 1_000_000n * TAO }],
      stakes: [{ coldkey: keys.owner, netuid: 0, alpha: 100n * TAO }, { coldkey: keys.alice1, netuid: 0, alpha: 300n * TAO }],
    });
    chain.setFreeBalance(keys.alice1, 1n * TAO);
    await chain.produceBlocks(1);
    dir = tempDir('guard-runtime');
    workbook = path.join(dir, 'valtrac.xlsx');
    // the CLI's metadata cache stays in the test's folder
    env = { VALTRAC_CACHE_DIR: path.join(dir, 'cache') };
    await ok(['init', ...w(), '--hotkey', keys.hotkey, '--network', chain.url]);
    await ok(['users', 'add', ...w(), 'alice', keys.alice1]);
    await new WorkbookStore(workbook).apply({ kind: 'setSettings', settings: { payoutColdkey: keys.payer } });
    chain.setFreeBalance(keys.payer, 100n * TAO);
  }, 300_000);
  afterAll(async () => {
    await chain?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('snapshot records, and flags each snapshot in its log', async () => {
    await chain.produceBlocks(300);
    const first = await ok(['snapshot', '--once', ...w()], env);
    await chain.produceBlocks(300);
    await ok(['snapshot', '--once', ...w()], env);
    expect(first.stdout).toContain(`recorded on an unverified runtime: spec 381: ${DIFFERENCES.join('; ')}; ValTrac was verified up to spec 381`);
    expect((await new WorkbookStore(workbook).read()).snapshots).toHaveLength(2);
  });

  it('doctor and status list each difference', async () => {
    const doctor = await valtrac(['doctor', ...w()], env);
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('FAIL  The runtime (spec 381) differs from what ValTrac was verified on (up to spec 381), so plan and confirm refuse it:');
    expect(doctor.stdout).toContain('Fix: Check each change below, then accept this runtime: valtrac plan --accept-runtime 381');
    for (const d of DIFFERENCES) expect(doctor.stdout).toContain(`FAIL    ${d}`);
    const status = await ok(['status', ...w()], env);
    expect(status.stdout).toContain(`spec 381 differs from what ValTrac was verified on (up to spec 381); plan and confirm refuse it until accepted (--accept-runtime 381): ${DIFFERENCES.join('; ')}`);
  });

  it('plan refuses it, names the differences, and writes nothing', async () => {
    const refused = await valtrac(['plan', ...w(), '--pool', '1'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `valtrac: plan: spec 381: ${DIFFERENCES.join('; ')}; ValTrac was verified up to spec 381. A runtime ValTrac does not know may be read or ` +
        'paid wrongly: check these changes (valtrac doctor lists them), then accept this runtime with --accept-runtime 381 ' +
        '(recorded in Settings "Accepted runtime spec"). Nothing was done.\n',
    );
    expect((await new WorkbookStore(workbook).read()).payouts).toEqual([]);
    const other = await valtrac(['plan', ...w(), '--pool', '1', '--accept-runtime', '380'], env);
    expect(other.stderr).toContain('--accept-runtime 380: the node runs spec 381; accept only the runtime you checked');
    expect((await new WorkbookStore(workbook).read()).settings.acceptedRuntime).toBeNull();
  });

  it('the owner accepts that spec explicitly; it is recorded in Settings and plan, confirm and doctor go on', async () => {
    const accepted = await ok(['plan', ...w(), '--pool', '1', '--accept-runtime', '381'], env);
    expect(accepted.stdout).toContain('Accepted runtime spec 381: recorded in Settings "Accepted runtime spec".');
    expect(accepted.stdout).toContain('Written to Payouts');
    expect((await new WorkbookStore(workbook).read()).settings.acceptedRuntime).toBe(381);
    await ok(['plan', ...w(), '--pool', '1'], env);
    const dry = await ok(['confirm', ...w(), '--dry-run'], env);
    expect(dry.stdout).toContain('Dry run');
    const doctor = await valtrac(['doctor', ...w()], env);
    expect(doctor.stdout).toContain('WARN  The runtime (spec 381) differs from what ValTrac was verified on (up to spec 381), and the owner accepted it:');
  });
});
