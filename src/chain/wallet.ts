import { readFile } from 'node:fs/promises';
import { Keyring } from '@polkadot/keyring';
import type { KeyringPair } from '@polkadot/keyring/types';
import { hexToU8a, isHex, u8aToString } from '@polkadot/util';
import { cryptoWaitReady, naclDecrypt } from '@polkadot/util-crypto';
import { argon2i } from 'hash-wasm';
import { UserError } from '../util/errors.js';
import { readSecret } from '../util/secretPrompt.js';
import { coldkeyFile, PAYOUT_KEY, type KeyRole } from './walletFiles.js';

export { MNEMONIC_ENV, OWNER_KEY, OWNER_MNEMONIC_ENV, OWNER_PASSWORD_ENV, PASSWORD_ENV, PAYOUT_KEY } from './walletFiles.js';

/**
 * bittensor-wallet's `$NACL` format (btwallet `keyfile.rs`): "$NACL" ‖ 24-byte nonce ‖ secretbox(JSON), the key being
 * libsodium's argon2i13 with OPSLIMIT_SENSITIVE (8 passes) and MEMLIMIT_SENSITIVE (512 MiB) over a fixed salt.
 */
const NACL_MAGIC = '$NACL';
const NACL_SALT = hexToU8a('0x137183dff15a09bc9c90b5518739e9b1');
const NONCE_BYTES = 24;
const ARGON2_PASSES = 8;
const ARGON2_MEMORY_KIB = 512 * 1024;

export type KeySource =
  | { kind: 'wallet'; file: string; role: KeyRole }
  | { kind: 'env'; role: KeyRole };

/** Where a key comes from: `--wallet NAME` (or a path to a coldkey file), else the role's mnemonic environment variable. */
export function keySource(wallet: string | undefined, walletsDir: string | undefined, env: NodeJS.ProcessEnv, role: KeyRole = PAYOUT_KEY): KeySource {
  if (wallet) return { kind: 'wallet', file: coldkeyFile(wallet, walletsDir), role };
  if (env[role.mnemonicEnv]) return { kind: 'env', role };
  throw new UserError(
    `no ${role.name} key: pass --wallet NAME (a Bittensor wallet under ~/.bittensor/wallets) or set ${role.mnemonicEnv}`,
  );
}

/** Loads the sr25519 key (the payout key, or the owner's for `fund`). `askPassword` is called only for an encrypted file when the password env var is unset. */
export async function loadPayoutKey(
  source: KeySource,
  env: NodeJS.ProcessEnv,
  askPassword: () => Promise<string>,
): Promise<KeyringPair> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const { mnemonicEnv, passwordEnv } = source.role;
  if (source.kind === 'env') {
    try {
      return keyring.addFromUri(env[mnemonicEnv]!.trim());
    } catch {
      throw new UserError(`${mnemonicEnv} is not a valid mnemonic or secret URI`);
    }
  }
  const bytes = await readWalletFile(source.file, mnemonicEnv);
  const json = isNaclEncrypted(bytes)
    ? await decryptColdkey(bytes, env[passwordEnv] ?? (await askPassword()), source.file, passwordEnv)
    : bytes;
  try {
    return keypairFromKeyfile(keyring, json, source.file, mnemonicEnv);
  } finally {
    if (json !== bytes) json.fill(0);
  }
}

async function readWalletFile(file: string, mnemonicEnv: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(file));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT'
        ? `wallet coldkey file ${file} does not exist: check --wallet (and --wallet-path), or set ${mnemonicEnv}`
        : `cannot read wallet coldkey file ${file} (${code ?? 'error'})`,
    );
  }
}

export function isNaclEncrypted(bytes: Uint8Array): boolean {
  return u8aToString(bytes.subarray(0, NACL_MAGIC.length)) === NACL_MAGIC;
}

/** Opens a `$NACL` coldkey file; a wrong password (or a damaged file) fails the secretbox's authentication. */
export async function decryptColdkey(bytes: Uint8Array, password: string, file: string, passwordEnv = PAYOUT_KEY.passwordEnv): Promise<Uint8Array> {
  const body = bytes.subarray(NACL_MAGIC.length);
  if (body.length <= NONCE_BYTES) throw new UserError(`wallet coldkey file ${file} is truncated`);
  const key = await argon2i({
    password: new TextEncoder().encode(password),
    salt: NACL_SALT,
    iterations: ARGON2_PASSES,
    parallelism: 1,
    memorySize: ARGON2_MEMORY_KIB,
    hashLength: 32,
    outputType: 'binary',
  });
  const opened = naclDecrypt(body.subarray(NONCE_BYTES), body.subarray(0, NONCE_BYTES), key);
  key.fill(0);
  if (!opened) {
    throw new UserError(
      `wrong password for wallet coldkey file ${file} (or the file is damaged): check ${passwordEnv} or retype it`,
    );
  }
  return opened;
}

/** Same precedence as bittensor-wallet: `secretPhrase` (sr25519 from the mnemonic), then `secretSeed` (32-byte mini secret). */
function keypairFromKeyfile(keyring: Keyring, json: Uint8Array, file: string, mnemonicEnv: string): KeyringPair {
  const text = u8aToString(json);
  if (text.startsWith('$ANSIBLE_VAULT') || text.startsWith('gAAAAA')) {
    throw new UserError(
      `wallet coldkey file ${file} uses a legacy encryption ValTrac does not read: re-encrypt it with a current btcli ` +
        `(btcli wallet regen-coldkey) or set ${mnemonicEnv}`,
    );
  }
  let data: { secretPhrase?: unknown; secretSeed?: unknown };
  try {
    data = JSON.parse(text) as typeof data;
  } catch {
    throw new UserError(`wallet coldkey file ${file} is not a Bittensor keyfile (no JSON inside)`);
  }
  try {
    if (typeof data.secretPhrase === 'string') return keyring.addFromMnemonic(data.secretPhrase);
    if (typeof data.secretSeed === 'string' && isHex(data.secretSeed)) {
      return keyring.addFromSeed(hexToU8a(data.secretSeed));
    }
  } catch {
    throw new UserError(`wallet coldkey file ${file} holds a secret that does not form an sr25519 key`);
  }
  throw new UserError(
    `wallet coldkey file ${file} has neither secretPhrase nor secretSeed (is it a public-key-only coldkeypub?)`,
  );
}

/** Reads a password from the terminal without echoing it. */
export async function promptPassword(question: string, passwordEnv = PAYOUT_KEY.passwordEnv): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UserError(`the wallet is encrypted: set ${passwordEnv} or run in a terminal to type the password`);
  }
  return readSecret(question);
}
