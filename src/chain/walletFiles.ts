import os from 'node:os';
import path from 'node:path';

/** Environment variable holding a mnemonic or secret URI (e.g. `//Alice`) for the payout coldkey. */
export const MNEMONIC_ENV = 'VALTRAC_PAYOUT_MNEMONIC';
/** Environment variable holding the password of an encrypted wallet coldkey file. */
export const PASSWORD_ENV = 'VALTRAC_WALLET_PASSWORD';

/** Environment variable holding a mnemonic or secret URI for the validator's owner coldkey (`valtrac fund`). */
export const OWNER_MNEMONIC_ENV = 'VALTRAC_OWNER_MNEMONIC';
/** Environment variable holding the password of the owner's encrypted wallet coldkey file. */
export const OWNER_PASSWORD_ENV = 'VALTRAC_OWNER_WALLET_PASSWORD';

/** Which key is loaded, and the environment variables that can carry its secret. */
export interface KeyRole {
  /** "payout" or "owner", for messages. */
  name: string;
  mnemonicEnv: string;
  passwordEnv: string;
}

export const PAYOUT_KEY: KeyRole = { name: 'payout', mnemonicEnv: MNEMONIC_ENV, passwordEnv: PASSWORD_ENV };
export const OWNER_KEY: KeyRole = { name: 'owner', mnemonicEnv: OWNER_MNEMONIC_ENV, passwordEnv: OWNER_PASSWORD_ENV };

/**
 * Where a Bittensor wallet's files are, as btcli lays them out: `<wallets>/<name>/coldkey` (secret, maybe encrypted)
 * and `coldkeypub.txt` (public) beside it. A name with a `/` is the path of a coldkey file itself.
 */
export function walletFolder(name: string, walletsDir: string | undefined): string {
  if (name.includes('/')) return path.dirname(path.resolve(name));
  return path.join(walletsDir ?? path.join(os.homedir(), '.bittensor', 'wallets'), name);
}

export function coldkeyFile(name: string, walletsDir: string | undefined): string {
  return name.includes('/') ? path.resolve(name) : path.join(walletFolder(name, walletsDir), 'coldkey');
}
