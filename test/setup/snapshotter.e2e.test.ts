import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords, readRecord, recordsDir } from '../../src/workbook/records.js';
import { TestChain } from '../chain/testChain.js';
import { CliProcess, runCli } from '../cliProcess.js';
import { addresses, tempDir } from '../helpers.js';

// Issue 12, case 2: the snapshotter npm start runs waits for a hotkey, takes a first snapshot at once when none exists
// for the current grid slot, and follows Settings changes (hotkey, interval) without a restart.

const TAO = 1_000_000_000n;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the snapshotter follows Settings', () => {
  let chain: TestChain;
  let hotkeys: string[];

  beforeAll(async () => {
    chain = await TestChain.start({ metadata: 'devnet-381', pruneDepth: 10, finalityLag: 2 });
    const [h1, o1, h2, o2, n1, n2] = await addresses(6);
    hotkeys = [h1!, h2!];
    for (const [hotkey, owner, nominator] of [[h1!, o1!, n1!], [h2!, o2!, n2!]]) {
      chain.seedValidator({
        hotkey,
        owner,
        takePpm: 180_000n,
        subnets: [{ netuid: 0, subnetTao: 1n, subnetAlphaIn: 1n }],
        stakes: [{ coldkey: owner, netuid: 0, alpha: 5n * TAO }, { coldkey: nominator, netuid: 0, alpha: 20n * TAO }],
      });
    }
    await chain.produceBlocks(40);
  });

  afterAll(async () => {
    await chain?.close();
  });

  it('waits for the hotkey, records the current slot at once, and applies a new interval and hotkey live', async () => {
    const workbook = path.join(tempDir('snapshotter'), 'valtrac.xlsx');
    const w = ['--workbook', workbook];
    expect((await runCli(['init', ...w, '--network', chain.url, '--interval', '25'])).code).toBe(0);

    const follower = new CliProcess(['snapshot', ...w]);
    try {
      await follower.waitFor(/waiting for the validator hotkey: Settings!B3 \(Validator hotkey\) is empty/);
      expect((await runCli(['settings', 'set', ...w, 'hotkey', hotkeys[0]!])).code).toBe(0);

      // Finalized head 38: grid block 25 is already pruned (the node keeps 10 blocks), so the slot is recorded now.
      await follower.waitFor(/gap: 1 snapshot\(s\) missing from block 25 to 25/);
      await follower.waitFor(/no snapshot since block 25: recording the finalized head 38 now; the grid continues at block 50/);
      await follower.waitFor(/snapshot block 38 /);
      await advanceTo(52, follower, /snapshot block 50 /);

      expect((await runCli(['settings', 'set', ...w, 'snapshot-interval', '7'])).code).toBe(0);
      await follower.waitFor(/Settings changed \(interval 25 -> 7 blocks\): following with the new settings/);
      await follower.waitFor(/following finalized blocks of .*: a snapshot every 7 blocks \(last snapshot at block 50\)/);
      await advanceTo(58, follower, /snapshot block 56 /);

      expect((await runCli(['settings', 'set', ...w, 'hotkey', hotkeys[1]!])).code).toBe(0);
      await follower.waitFor(new RegExp(`Settings changed \\(hotkey ${hotkeys[0]} -> ${hotkeys[1]}\\)`));
      await follower.waitFor(new RegExp(`following finalized blocks of ${hotkeys[1]}`));
      await advanceTo(65, follower, /snapshot block 63 /);
    } finally {
      follower.kill('SIGTERM');
    }
    expect((await follower.exited).code, follower.text()).toBe(0);

    const dir = recordsDir(workbook);
    expect(await listRecords(dir)).toEqual([38, 50, 56, 63]);
    expect((await readRecord(dir, 56)).hotkey).toBe(hotkeys[0]);
    expect((await readRecord(dir, 63)).hotkey).toBe(hotkeys[1]);
  }, 300_000);

  /** Produces blocks one by one until the best block is `best` (finalized two behind), then waits for `line`. */
  async function advanceTo(best: number, follower: CliProcess, line: RegExp): Promise<void> {
    while (chain.bestNumber() < best) {
      await chain.produceBlocks(1);
      await sleep(20);
    }
    await follower.waitFor(line);
  }
});
