/**
 * Secrets: every command runs with a known payout mnemonic and wallet password in its environment (as a validator
 * owner's shell would have them); neither may appear in the workbook, the journal, records, plan files, logs, pm2's
 * process list or saved dump, or any output.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TestChain } from '../chain/testChain.js';
import { address, REPO, tempDir, valtrac } from './helpers.js';

const MNEMONIC = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const PASSWORD = 'Tr0ub4dor&3-valtrac-secret';
// A fragment too, so a truncated or wrapped print of the phrase is caught as well.
const SECRETS = [MNEMONIC, PASSWORD, 'obey lake curtain smoke'];

const home = tempDir('valtrac-secrets-home-');
const dir = tempDir('valtrac-secrets-');
const workbook = path.join(dir, 'valtrac.xlsx');
const env = { HOME: home, VALTRAC_PAYOUT_MNEMONIC: MNEMONIC, VALTRAC_WALLET_PASSWORD: PASSWORD, PM2_HOME: path.join(home, '.pm2') };
const outputs: string[] = [];

function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true }).map((f) => path.join(root, String(f))).filter((f) => fs.statSync(f).isFile());
}

function containsSecret(text: string): string | null {
  return SECRETS.find((s) => text.includes(s)) ?? null;
}

function pm2(...args: string[]) {
  return spawnSync(process.execPath, [path.join(REPO, 'node_modules/pm2/bin/pm2'), ...args], { env: { PATH: process.env.PATH, HOME: home, PM2_HOME: env.PM2_HOME }, encoding: 'utf8', timeout: 60_000 });
}

let chain: TestChain | null = null;

afterAll(async () => {
  pm2('kill');
  await chain?.close();
  for (const d of [home, dir]) fs.rmSync(d, { recursive: true, force: true });
});

describe('secrets never leave the environment', () => {
  it('every command, then a grep of everything they wrote and printed', async () => {
    const hotkey = address(900);
    chain = await TestChain.start({ metadata: 'devnet-346', finalityLag: 1 });
    chain.seedValidator({ hotkey, owner: address(901), takePpm: 180_000n, subnets: [], stakes: [{ coldkey: address(1), netuid: 0, alpha: 10n ** 10n }, { coldkey: address(901), netuid: 0, alpha: 10n ** 9n }], emissionPerBlock: 10n ** 6n });
    await chain.produceBlocks(3);
    fs.writeFileSync(path.join(dir, 'users.csv'), `Name,Address1\nAlice,${address(1)}\nBob,${address(2)}\n`);
    const commands: string[][] = [
      ['init', '--hotkey', hotkey, '--network', chain.url],
      ['import-users', 'users.csv'],
      ['users', 'add', 'Carol', address(3)],
      ['referrals', 'add', 'Alice', 'Bob', '10'],
      ['check'],
      ['snapshot', '--once', '--interval', '1'],
      ['stats'],
      ['stats', 'Alice'],
      ['charts'],
      ['plan', '--pool', '1'],
      ['start'],
    ];
    for (const args of commands) {
      if (args[0] === 'plan') await chain.produceBlocks(2);
      if (args[0] === 'plan') outputs.push(JSON.stringify(await valtrac(['snapshot', '--once', '--interval', '1', '--workbook', workbook], { cwd: dir, env })));
      const result = await valtrac([...args, '--workbook', workbook], { cwd: dir, env, timeoutMs: 180_000 });
      outputs.push(`${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
      if (args[0] !== 'check') expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
    }
    // pm2: the daemon's view of the processes and what `pm2 save` writes to disk.
    const list = pm2('jlist');
    const save = pm2('save', '--force');
    expect(save.status, save.stderr).toBe(0);
    pm2('stop', 'all');

    const written = [...filesUnder(dir), ...filesUnder(env.PM2_HOME), ...filesUnder(path.join(REPO, 'workbook', 'logs'))];
    expect(written.some((f) => f.endsWith('valtrac.xlsx'))).toBe(true);
    expect(written.some((f) => f.endsWith('dump.pm2'))).toBe(true);
    const leaks: string[] = [];
    for (const file of written) {
      const text = fs.readFileSync(file).toString('latin1');
      const found = containsSecret(text);
      if (found) leaks.push(`${file}: ${found}`);
    }
    // xlsx files are zip archives: grep their unpacked XML too.
    for (const file of written.filter((f) => f.endsWith('.xlsx'))) {
      const unzipped = spawnSync('unzip', ['-p', file], { encoding: 'latin1', maxBuffer: 1 << 28 });
      const found = containsSecret(unzipped.stdout ?? '');
      if (found) leaks.push(`${file} (unzipped): ${found}`);
    }
    for (const [i, text] of [...outputs, list.stdout, list.stderr].entries()) {
      const found = containsSecret(text);
      if (found) leaks.push(`output ${i}: ${found}`);
    }
    expect(leaks).toEqual([]);
    // The check can fail: the grep finds the secrets where they are (the environment of this test process).
    expect(containsSecret(JSON.stringify(env))).toBe(MNEMONIC);
  }, 600_000);
});
