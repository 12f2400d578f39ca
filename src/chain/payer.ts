import os from 'node:os';
import path from 'node:path';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { Argv } from 'yargs';
import { UserError } from '../util/errors.js';
import { MNEMONIC_ENV, PAYOUT_KEY, type KeyRole } from './walletFiles.js';

/** How the payout key is named on the command line: ValTrac's own `--wallet`, or btcli's `--wallet.name` / `--wallet.path`. */
export interface PayerArgs {
  wallet?: string;
  'wallet.name'?: string;
  'wallet.path'?: string;
}

/**
 * The wallet options, with btcli's spellings (`--wallet.name`, `--wallet-name`, `--wallet.path`, `--wallet-path`).
 * Dot notation is switched off for the command, so `--wallet.name x` is that option, not an object `wallet: { name }`.
 */
export function payerOptions<T>(yargs: Argv<T>, role: KeyRole = PAYOUT_KEY): Argv<T & PayerArgs> {
  return yargs
    .parserConfiguration({ 'dot-notation': false })
    .option('wallet', {
      type: 'string',
      describe: `Bittensor wallet name (~/.bittensor/wallets/NAME/coldkey) or a coldkey file path; else ${role.mnemonicEnv}`,
    })
    .option('wallet.name', { type: 'string', alias: 'wallet-name', describe: 'Bittensor wallet name, as btcli takes it' })
    .option('wallet.path', { type: 'string', alias: 'wallet-path', describe: 'Folder of Bittensor wallets (default ~/.bittensor/wallets)' });
}

/** Who pays: the address, always; the signing key only when something is to be signed. */
export interface Payer {
  address: string;
  pair: KeyringPair | null;
}

/** The wallet named by the options, or null when none is (then the key comes from VALTRAC_PAYOUT_MNEMONIC). */
export function walletName(args: PayerArgs): string | undefined {
  const name = args['wallet.name'];
  if (name !== undefined && args.wallet !== undefined && name !== args.wallet) {
    throw new UserError(`--wallet ${args.wallet} and --wallet.name ${name} name two wallets: give one of them`);
  }
  return name ?? args.wallet;
}

/** `~/...` as btcli writes wallet paths. */
export function walletsDir(args: PayerArgs): string | undefined {
  const dir = args['wallet.path'];
  return dir === undefined ? undefined : dir.startsWith('~/') || dir === '~' ? path.join(os.homedir(), dir.slice(1)) : dir;
}

/**
 * The payer for `confirm`. A dry run without a key named (no wallet option, no mnemonic variable) needs no secret: the
 * payer is Settings' payout coldkey and nothing is signed. Otherwise the key is loaded (its password asked for when
 * needed) and must be that same coldkey. `place` names the Settings cell for messages.
 */
export async function payerFor(args: PayerArgs, dryRun: boolean, payoutColdkey: string, place: string): Promise<Payer> {
  const name = walletName(args);
  if (dryRun && name === undefined && !process.env[MNEMONIC_ENV]) return { address: payoutColdkey, pair: null };
  // The wallet code (keyring, WASM crypto, argon2) loads only once there is something to sign.
  const { keySource, loadPayoutKey, promptPassword } = await import('./wallet.js');
  const pair = await loadPayoutKey(keySource(name, walletsDir(args), process.env), process.env, () =>
    promptPassword('Password of the payout coldkey: '),
  );
  if (pair.address !== payoutColdkey) {
    throw new UserError(`the key loaded (${pair.address}) is not the payout coldkey ${payoutColdkey} in ${place}: use that wallet, or correct ${place}`);
  }
  return { address: pair.address, pair };
}
