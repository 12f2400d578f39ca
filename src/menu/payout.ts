import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { coldkeyFile } from '../chain/walletFiles.js';
import { settingPlace } from '../domain/settings.js';
import { parseTao } from '../domain/tao.js';
import { UserError } from '../util/errors.js';
import { packageRoot } from '../util/packageRoot.js';
import { WorkbookStore } from '../workbook/store.js';
import type { Prompter } from './prompter.js';

const CLI = path.join(packageRoot(), 'dist', 'cli.js');

/** Runs a valtrac command as its own process on this terminal; `env` adds to this process's environment for it only. */
function valtrac(args: string[], env: NodeJS.ProcessEnv = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: 'inherit', env: { ...process.env, ...env } });
    child.once('error', reject);
    child.once('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** How confirm is to get the payout key: its options, and what only its own environment carries (the password). */
interface KeyChoice {
  args: string[];
  env: NodeJS.ProcessEnv;
}

/**
 * 2: `valtrac plan` (which prints the plan), `valtrac fund --dry-run` (what the payout coldkey lacks) and, if wanted,
 * `valtrac fund --yes` with the owner's key; then the payout key (a wallet and its password, or the mnemonic variable),
 * `valtrac confirm --dry-run` (batches, fees, balance), and, once agreed, `valtrac confirm --yes` with that key.
 */
export async function payoutMenu(p: Prompter, workbook: string, run: (args: string[], env?: NodeJS.ProcessEnv) => Promise<number> = valtrac): Promise<void> {
  const pool = await p.askValid('Pool in TAO (Enter: what the delegate stake accrued since the last payout): ', (answer) => {
    if (answer === '' || answer === 'accrued') return { ok: true, value: 'accrued' };
    const rao = parseTao(answer);
    return rao !== null && rao > 0n ? { ok: true, value: answer } : { ok: false, message: 'Type an amount of TAO such as 12.5 (at most 9 decimals), or press Enter.' };
  });
  const planned = await p.handOver(() => run(['plan', '--workbook', workbook, '--pool', pool, '--from-menu']));
  if (planned !== 0) {
    p.print('No payout planned (see above).');
    return;
  }
  if (!(await p.confirm('Pay this plan? (next: the payout key, then a dry run with the fees)'))) {
    p.print('The plan stays in Payouts as planned; send it later with 2 or valtrac confirm.');
    return;
  }
  // The payout coldkey pays from its free TAO: fund's dry run says what it lacks for this plan (no key needed).
  const lacking = await p.handOver(() => run(['fund', '--dry-run', '--workbook', workbook]));
  if (lacking !== 0) {
    // Its reason is above (the take is not enough, the node, the runtime): paying now would only stop at confirm's check.
    p.print(`fund's dry run stopped (exit code ${lacking}); see above. Nothing was paid; top the payout coldkey up yourself or fix what it says, then choose 2 again.`);
    return;
  }
  if ((await p.confirm("Move what is missing from the owner's take to the payout coldkey now (valtrac fund)? Answer no if it said nothing to fund"))) {
    const owner = await askKey(p, workbook, 'owner');
    if (!owner) return;
    const funded = await p.handOver(() => run(['fund', '--yes', '--workbook', workbook, ...owner.args], owner.env));
    if (funded !== 0) {
      p.print(`fund stopped (exit code ${funded}); see above. Nothing was paid; choose 2 again once it is fixed.`);
      return;
    }
  }
  const key = await askKey(p, workbook, 'payout');
  if (!key) return;
  const dryRun = await p.handOver(() => run(['confirm', '--dry-run', '--workbook', workbook, ...key.args], key.env));
  if (dryRun !== 0) {
    p.print(`The dry run stopped (exit code ${dryRun}); see above. Nothing was sent.`);
    return;
  }
  if (!(await p.confirm('Send these payments now, as shown above?'))) {
    p.print('Nothing was sent; the plan stays in Payouts as planned.');
    return;
  }
  const sent = await p.handOver(() => run(['confirm', '--yes', '--workbook', workbook, ...key.args], key.env));
  p.print(sent === 0 ? 'Payout sent.' : `confirm stopped (exit code ${sent}); see above. Run 2 again (or valtrac confirm) once it is fixed.`);
}

/**
 * Asks how to sign and checks the key before anything runs: the wallet's coldkey file must exist, its password open it
 * (typed without echo, asked again when wrong), and the payout key must be Settings' payout coldkey (the owner key is
 * checked by fund against the hotkey's owner on chain). Null: the person went back.
 */
async function askKey(p: Prompter, workbook: string, which: 'payout' | 'owner'): Promise<KeyChoice | null> {
  const { data, settingsCells } = await new WorkbookStore(workbook).readParsed();
  const payoutColdkey = data.settings.payoutColdkey;
  const place = settingPlace('payoutColdkey', settingsCells.payoutColdkey);
  if (!payoutColdkey) {
    throw new UserError(`${place} is empty: type the address that pays there (or valtrac settings set payout-coldkey ADDRESS), then choose 2 again`);
  }
  // The wallet code (keyring, WASM crypto, argon2) loads only now that a key is wanted.
  const { keySource, loadPayoutKey, OWNER_KEY, PAYOUT_KEY } = await import('../chain/wallet.js');
  const role = which === 'owner' ? OWNER_KEY : PAYOUT_KEY;
  const { mnemonicEnv: MNEMONIC_ENV, passwordEnv: PASSWORD_ENV } = role;
  const expected = which === 'owner' ? null : payoutColdkey;
  const mnemonic = process.env[MNEMONIC_ENV] ? `The mnemonic in ${MNEMONIC_ENV}` : `The mnemonic in ${MNEMONIC_ENV} (not set in this shell)`;
  const title = which === 'owner' ? "Unstake the take with the validator owner's coldkey, from" : `Pay from ${payoutColdkey} with`;
  const how = await p.choose(title, ['A Bittensor wallet (its name, or the path of its coldkey file)', mnemonic, 'Back']);
  if (how === 2) return null;
  if (how === 1) {
    if (!process.env[MNEMONIC_ENV]) {
      p.print(`${MNEMONIC_ENV} is not set: leave the menu, export it in this shell (not in a file), and open the menu again.`);
      return null;
    }
    const pair = await loadPayoutKey(keySource(undefined, undefined, process.env, role), process.env, () => Promise.reject(new Error('unused')));
    if (expected !== null && pair.address !== expected) throw new UserError(`${MNEMONIC_ENV} is the key of ${pair.address}, not the payout coldkey in ${place} (${payoutColdkey})`);
    return { args: [], env: {} };
  }
  const name = await p.askValid('Wallet name or coldkey path: ', (answer) =>
    answer === '' ? { ok: false, message: 'Type the wallet name (as btcli knows it) or the path of its coldkey file.' } : { ok: true, value: answer },
  );
  const dir = name.includes('/') ? undefined : (await p.ask('Wallets folder (Enter: ~/.bittensor/wallets): ')) || undefined;
  const file = coldkeyFile(name, dir);
  if (!fs.existsSync(file)) throw new UserError(`there is no coldkey file ${file}: check the wallet name and folder`);
  const args = name.includes('/') ? ['--wallet', name] : ['--wallet.name', name, ...(dir ? ['--wallet.path', dir] : [])];
  for (let attempt = 1; ; attempt++) {
    let typed: string | null = null;
    try {
      // A password already in this shell's environment is used as confirm would use it; else it is asked here.
      const env = process.env[PASSWORD_ENV] === undefined ? {} : { [PASSWORD_ENV]: process.env[PASSWORD_ENV] };
      const pair = await loadPayoutKey(keySource(name, dir, {}, role), env, async () => (typed = await p.askSecret('Password of the wallet (not shown): ')));
      if (expected !== null && pair.address !== expected) throw new UserError(`the wallet ${name} holds ${pair.address}, not the payout coldkey in ${place} (${payoutColdkey})`);
      return { args, env: typed === null ? {} : { [PASSWORD_ENV]: typed } };
    } catch (error) {
      if (!(error instanceof UserError) || !/wrong password/.test(error.message) || attempt === 3) throw error;
      p.print('Wrong password; try again.');
    }
  }
}
