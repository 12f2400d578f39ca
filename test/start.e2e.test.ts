import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords, recordsDir } from '../src/workbook/records.js';
import { WorkbookStore } from '../src/workbook/store.js';
import { TestChain } from './chain/testChain.js';
import { runCli } from './cliProcess.js';
import { addresses, repoRoot, tempDir } from './helpers.js';

const pm2Bin = path.join(repoRoot, 'node_modules', 'pm2', 'bin', 'pm2');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Pm2Process {
  name: string;
  pm2_env: { status: string; args?: string[]; env?: Record<string, string> };
}

describe('npm start (valtrac start) under pm2', () => {
  let chain: TestChain;
  let env: NodeJS.ProcessEnv;
  let workbook: string;
  const secret = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';

  const pm2 = async (...args: string[]) => (await run(process.execPath, [pm2Bin, ...args], { env })).stdout;
  // jlist prints the list as one JSON line, sometimes after pm2's own notices.
  const processes = async (): Promise<Pm2Process[]> =>
    JSON.parse((await pm2('jlist')).split('\n').find((l) => l.startsWith('['))!) as Pm2Process[];

  beforeAll(async () => {
    chain = await TestChain.start({ metadata: 'devnet-381', blockIntervalMs: 50 });
    const dir = tempDir('start');
    workbook = path.join(dir, 'workbook', 'valtrac.xlsx');
    // A private pm2 home so the test neither sees nor disturbs anyone's pm2; a secret in the environment must not
    // travel into pm2's process list.
    env = { ...process.env, PM2_HOME: path.join(dir, 'pm2'), VALTRAC_MNEMONIC: secret };
  });

  afterAll(async () => {
    await pm2('kill').catch(() => undefined);
    await chain?.close();
  });

  it('creates the workbook, starts watch until a hotkey is set, then both processes', async () => {
    const first = await runCli(['start', '--workbook', workbook, '--network', chain.url], env);
    expect(first.code, first.output).toBe(0);
    expect(fs.existsSync(workbook)).toBe(true);
    expect(first.output).toMatch(/Started under pm2: valtrac-watch \(network ws:\/\/127\.0\.0\.1:\d+\)/);
    expect(first.output).toMatch(/validator hotkey in Settings is empty[\s\S]*fill in Settings/);
    expect((await processes()).map((p) => p.name)).toEqual(['valtrac-watch']);

    const [hotkey, owner] = await addresses(2);
    chain.seedValidator({
      hotkey: hotkey!,
      owner: owner!,
      takePpm: 180_000n,
      subnets: [{ netuid: 0, subnetTao: 1n, subnetAlphaIn: 1n }],
      stakes: [{ coldkey: owner!, netuid: 0, alpha: 5_000_000_000n }],
      emissionPerBlock: 1_000_000n,
    });
    await new WorkbookStore(workbook).apply({ kind: 'setSettings', settings: { hotkey: hotkey!, snapshotInterval: 5 } });

    const second = await runCli(['start', '--workbook', workbook, '--network', chain.url], env);
    expect(second.code, second.output).toBe(0);
    expect(second.output).toMatch(/Started under pm2: valtrac-watch, valtrac-snapshot/);
    const list = await processes();
    expect(list.map((p) => p.name).sort()).toEqual(['valtrac-snapshot', 'valtrac-watch']);
    expect(JSON.stringify(list)).not.toContain(secret);

    // The snapshotter under pm2 records on its grid and logs beside the workbook.
    const log = path.join(path.dirname(workbook), 'logs', 'snapshot.log');
    const deadline = Date.now() + 60_000;
    while ((await listRecords(recordsDir(workbook))).length < 2) {
      if (Date.now() > deadline) throw new Error(`no snapshots under pm2; log:\n${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : '(none)'}`);
      await sleep(250);
    }
    for (const block of await listRecords(recordsDir(workbook))) expect(block % 5).toBe(0);
    expect(fs.readFileSync(log, 'utf8')).toMatch(/following finalized blocks of/);
  }, 120_000);
});
