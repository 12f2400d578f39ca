import os from 'node:os';
import path from 'node:path';

/** Environment variable holding a mnemonic or secret URI (e.g. `//Alice`) for the payout coldkey. */
export const MNEMONIC_ENV = 'VALTRAC_PAYOUT_MNEMONIC';
/** Environment variable holding the password of an encrypted wallet coldkey file. */
export const PASSWORD_ENV = 'VALTRAC_WALLET_PASSWORD';

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
