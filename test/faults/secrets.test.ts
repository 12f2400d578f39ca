/**
 * Secrets: every command runs with a known payout mnemonic and wallet password in its environment (as a validator
 * owner's shell would have them), and confirm really pays with each (the mnemonic, then an encrypted wallet file);
 * neither they nor the key's seed may appear in the workbook, the journal, records, plan files, the send log, logs,
 * pm2's process list or saved dump, or any output.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { u8aToHex } from '@polkadot/util';
import { mnemonicToMiniSecret } from '@polkadot/util-crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { TestChain } from '../chain/testChain.js';
import { naclColdkey } from '../helpers/wallet.js';
import { address, devAccount, editWorkbook, REPO, tempDir, valtrac } from './helpers.js';

const MNEMONIC = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const PASSWORD = 'Tr0ub4dor&3-valtrac-secret';
// The sr25519 mini secret both keys are made from, as hex without 0x: a key printed in any form starts from it.
const SEED_HEX = u8aToHex(mnemonicToMiniSecret(MNEMONIC)).slice(2);
// A fragment too, so a truncated or wrapped print of the phrase is caught as well.
const SECRETS = [MNEMONIC, PASSWORD, SEED_HEX, 'obey lake curtain smoke'];
const TAO = 1_000_000_000n;

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
  const lower = text.toLowerCase();
  return SECRETS.find((s) => lower.includes(s.toLowerCase())) ?? null;
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
  it('every command, confirm paying with the mnemonic and with a wallet file, then a grep of everything they wrote and printed', async () => {
    const hotkey = address(900);
    const payer = (await devAccount(MNEMONIC)).address;
    // The wallet a person made with btcli: the same phrase, encrypted with the password.
    const wallet = path.join(home, '.bittensor', 'wallets', 'payout', 'coldkey');
    fs.mkdirSync(path.dirname(wallet), { recursive: true });
    fs.writeFileSync(wallet, await naclColdkey(JSON.stringify({ secretPhrase: MNEMONIC }), PASSWORD));
    chain = await TestChain.start({ metadata: 'devnet-346', finalityLag: 1, blockIntervalMs: 100 });
    chain.pauseProduction();
    chain.seedValidator({ hotkey, owner: address(901), takePpm: 180_000n, subnets: [], stakes: [{ coldkey: address(1), netuid: 0, alpha: 10n ** 10n }, { coldkey: address(901), netuid: 0, alpha: 10n ** 9n }], emissionPerBlock: 10n ** 6n });
    chain.setFreeBalance(payer, 100n * TAO);
    await chain.produceBlocks(3);
    fs.writeFileSync(path.join(dir, 'users.csv'), `Name,Address1\nAlice,${address(1)}\nBob,${address(2)}\n`);
    const alicePaid: bigint[] = [];
    const run = async (args: string[]) => {
      const result = await valtrac([...args, '--workbook', workbook], { cwd: dir, env, timeoutMs: 180_000 });
      outputs.push(`${args.join(' ')}\n${result.stdout}\n${result.stderr}`);
      return result;
    };
    const steps: Array<{ args: string[]; before?: () => Promise<void> }> = [
      { args: ['init', '--hotkey', hotkey, '--network', chain.url] },
      { args: ['import-users', 'users.csv'] },
      { args: ['users', 'add', 'Carol', address(3)] },
      { args: ['referrals', 'add', 'Alice', 'Bob', '10'] },
      { args: ['check'] },
      { args: ['snapshot', '--once', '--interval', '1'] },
      { args: ['stats'] },
      { args: ['stats', 'Alice'] },
      { args: ['charts'] },
      { args: ['plan', '--pool', '1'], before: newPeriod },
      { args: ['confirm', '--dry-run'], before: setPayoutColdkey },
      { args: ['confirm', '--yes'] },
      { args: ['plan', '--pool', '1'], before: newPeriod },
      { args: ['confirm', '--dry-run', '--wallet', 'payout'] },
      { args: ['confirm', '--yes', '--wallet', 'payout'] },
      { args: ['start'] },
    ];
    async function newPeriod(): Promise<void> {
      await chain!.produceBlocks(2);
      expect((await run(['snapshot', '--once', '--interval', '1'])).code).toBe(0);
    }
    async function setPayoutColdkey(): Promise<void> {
      // Typed in Settings by the owner: only the address, never the key.
      await editWorkbook(workbook, (book) => {
        const settings = book.getWorksheet('Settings')!;
        settings.eachRow((row) => {
          if (row.getCell(1).text === 'Payout coldkey') row.getCell(2).value = payer;
        });
      });
    }
    for (const { args, before } of steps) {
      await before?.();
      const paying = args[0] === 'confirm' && args.includes('--yes');
      const alice = chain.freeBalance(address(1));
      if (paying) chain.resumeProduction();
      const result = await run(args);
      chain.pauseProduction();
      if (args[0] !== 'check') expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(0);
      if (paying) {
        expect(result.stdout).toMatch(/Plan \S+ is paid/);
        alicePaid.push(chain.freeBalance(address(1)) - alice);
      }
    }
    // Both confirms sent real transfers signed by the key, so the secrets were in use, not just in the environment.
    expect(alicePaid).toHaveLength(2);
    for (const paid of alicePaid) expect(paid).toBeGreaterThan(0n);
    // pm2: the daemon's view of the processes and what `pm2 save` writes to disk.
    const list = pm2('jlist');
    const save = pm2('save', '--force');
    expect(save.status, save.stderr).toBe(0);
    pm2('stop', 'all');

    const written = [...filesUnder(dir), ...filesUnder(env.PM2_HOME), ...filesUnder(path.join(REPO, 'workbook', 'logs'))];
    for (const name of ['valtrac.xlsx', '.valtrac-payouts.jsonl', '.valtrac-plan.json', 'dump.pm2']) {
      expect(written.some((f) => path.basename(f) === name), name).toBe(true);
    }
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
    // The check can fail: the grep finds each secret where it is (the environment, the key's own seed).
    expect(containsSecret(JSON.stringify(env))).toBe(MNEMONIC);
    expect(containsSecret(`{"password":"${PASSWORD}"}`)).toBe(PASSWORD);
    expect(containsSecret(u8aToHex(mnemonicToMiniSecret(MNEMONIC)).toUpperCase())).toBe(SEED_HEX);
  }, 600_000);
});
