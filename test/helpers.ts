import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Real keys: sr25519 and ed25519 accounts derived from dev seeds, encoded with Bittensor's prefix 42. */
export async function addresses(count: number, type: 'sr25519' | 'ed25519' = 'sr25519'): Promise<string[]> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type, ss58Format: 42 });
  return Array.from({ length: count }, (_, i) => keyring.addFromUri(`//valtrac-test-${type}-${i}`).address);
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `valtrac-${prefix}-`));
}

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
export const cli = path.join(repoRoot, 'dist', 'cli.js');
