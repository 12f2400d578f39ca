import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords, recordsDir } from '../src/workbook/records.js';
import { TestChain } from './chain/testChain.js';
import { runCli } from './cliProcess.js';
import { addresses, tempDir } from './helpers.js';
import { privatePm2 } from './helpers/pm2.js';
import { freePort } from '../src/util/freePort.js';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Pm2Process {
  name: string;
  pm2_env: { status: string; args?: string[]; env?: Record<string, string> };
}

describe('npm start (valtrac start) under pm2', () => {
  let chain: TestChain;
  const secret = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
  // A private pm2 home, made before anything can throw, so the test neither sees nor disturbs anyone's pm2 (afterAll's
  // pm2 kill runs even when the test chain fails to start); a secret in the environment must not travel into pm2's
  // process list.
  const dir = tempDir('start');
  const env: NodeJS.ProcessEnv = { ...process.env, PM2_HOME: path.join(dir, 'pm2'), VALTRAC_MNEMONIC: secret };
  const pm2 = privatePm2(env.PM2_HOME, env);
  // jlist prints the list as one JSON line, sometimes after pm2's own notices.
  const processes = async (): Promise<Pm2Process[]> =>
    JSON.parse((await pm2('jlist')).split('\n').find((l) => l.startsWith('['))!) as Pm2Process[];

  beforeAll(async () => {
    chain = await TestChain.start({ metadata: 'devnet-381', blockIntervalMs: 50 });
  });

  afterAll(async () => {
    await pm2('kill').catch(() => undefined);
    await chain?.close();
  });

  it('creates the workbook and starts both; the snapshotter waits for the hotkey, then records without a restart', async () => {
    const workbook = path.join(dir, 'workbook', 'valtrac.xlsx');
    const first = await runCli(['start', '--workbook', workbook, '--network', chain.url], env);
    expect(first.code, first.output).toBe(0);
    expect(fs.existsSync(workbook)).toBe(true);
    expect(first.output).toMatch(/Started under pm2 \(network ws:\/\/127\.0\.0\.1:\d+\):/);
    expect(first.output).toMatch(/ {2}valtrac-watch +online: (watching|no problems)/);
    // Each process's real state, from what it wrote since this start.
    expect(first.output).toMatch(/ {2}valtrac-snapshot +online: waiting for the validator hotkey: Settings!B3 \(Validator hotkey\) is empty/);
    expect(first.output).toContain('Next: fill in Settings!B3 (Validator hotkey) (snapshot (and so plan) needs it): valtrac settings set hotkey');
    const list = await processes();
    expect(list.map((p) => p.name).sort()).toEqual(['valtrac-snapshot', 'valtrac-watch']);
    expect(JSON.stringify(list)).not.toContain(secret);

    const [hotkey, owner] = await addresses(2);
    chain.seedValidator({
      hotkey: hotkey!,
      owner: owner!,
      takePpm: 180_000n,
      subnets: [{ netuid: 0, subnetTao: 1n, subnetAlphaIn: 1n }],
      stakes: [{ coldkey: owner!, netuid: 0, alpha: 5_000_000_000n }],
      emissionPerBlock: 1_000_000n,
    });
    const set = await runCli(['settings', 'set', '--workbook', workbook, 'hotkey', hotkey!, 'snapshot-interval', '5'], env);
    expect(set.code, set.output).toBe(0);

    // The running snapshotter picks the hotkey up: a first snapshot at once, then the grid, logged beside the workbook.
    const log = path.join(path.dirname(workbook), 'logs', 'snapshot.log');
    const deadline = Date.now() + 90_000;
    while ((await listRecords(recordsDir(workbook))).length < 3) {
      if (Date.now() > deadline) throw new Error(`no snapshots under pm2; log:\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '(none)'}`);
      await sleep(250);
    }
    const [, ...grid] = await listRecords(recordsDir(workbook));
    for (const block of grid) expect(block % 5).toBe(0);
    const text = fs.readFileSync(log, 'utf8');
    expect(text).toMatch(/following finalized blocks of/);
    // One timestamp per line: pm2's (time: true), none of ValTrac's own under pm2.
    const snapshotLine = text.split('\n').find((l) => / snapshot block \d+ /.test(l))!;
    expect(snapshotLine.match(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/g)!.length, snapshotLine).toBe(2); // pm2's stamp and the block's time
    expect(snapshotLine).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\S*: snapshot block/);
  }, 180_000);

  it('with no node running, says so for the snapshotter instead of reporting it started', async () => {
    const port = await freePort();
    const workbook = path.join(dir, 'nonode', 'valtrac.xlsx');
    const [hotkey] = await addresses(1);
    expect((await runCli(['init', '--workbook', workbook, '--hotkey', hotkey!, '--network', `ws://127.0.0.1:${port}`], env)).code).toBe(0);
    const started = await runCli(['start', '--workbook', workbook], env);
    expect(started.output).toMatch(new RegExp(` {2}valtrac-snapshot +\\S+.*: node ws://127\\.0\\.0\\.1:${port} not reachable`));
    expect(started.output).toContain('Next: fill in Settings!B6 (Payout coldkey) (confirm needs it): valtrac settings set payout-coldkey');
    await pm2('delete', 'all');
  }, 120_000);
});
