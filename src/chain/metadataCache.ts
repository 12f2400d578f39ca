import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { HexString } from '@polkadot/util/types';
import { writeFileAtomic } from '../util/atomicFile.js';

/**
 * The node's runtime metadata kept on disk between runs, keyed as @polkadot/api keys its `metadata` option:
 * `<genesis hash>-<spec version>`. A node that reports another spec version (a runtime upgrade) simply misses the
 * cache, and the metadata it then sends replaces the older entries of that chain. Each file is named by the SHA-256
 * of its content too, so a damaged file is never handed to the decoder.
 */
export class MetadataCache {
  constructor(readonly dir: string) {}

  /** `VALTRAC_CACHE_DIR`, else the user's cache folder (XDG), `valtrac/metadata` inside it. */
  static forUser(env: NodeJS.ProcessEnv = process.env): MetadataCache {
    const root = env.VALTRAC_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'valtrac');
    return new MetadataCache(path.join(root, 'metadata'));
  }

  /** Every intact entry, for ApiPromise.create({ metadata }); the node's genesis and spec version pick one. */
  entries(): Record<string, HexString> {
    const found: Record<string, HexString> = {};
    for (const name of this.names()) {
      const [key, digest] = name.split('.');
      try {
        const hex = fs.readFileSync(path.join(this.dir, name), 'utf8');
        if (hex.startsWith('0x') && sha256(hex) === digest) found[key!] = hex as HexString;
        else fs.rmSync(path.join(this.dir, name), { force: true });
      } catch {
        // unreadable: treated as missing, and overwritten when the node's metadata is next saved
      }
    }
    return found;
  }

  /** Saves the metadata of `genesis` at `specVersion` (unless already there) and drops the chain's other versions. */
  async remember(genesis: string, specVersion: string, metadata: () => HexString): Promise<void> {
    const key = `${genesis}-${specVersion}`;
    const existing = this.names();
    if (existing.some((n) => n.startsWith(`${key}.`))) return;
    const hex = metadata();
    const name = `${key}.${sha256(hex)}.hex`;
    fs.mkdirSync(this.dir, { recursive: true });
    await writeFileAtomic(path.join(this.dir, name), hex);
    for (const old of existing) if (old.startsWith(`${genesis}-`)) fs.rmSync(path.join(this.dir, old), { force: true });
  }

  private names(): string[] {
    try {
      return fs.readdirSync(this.dir).filter((n) => /^0x[0-9a-f]+-\d+\.[0-9a-f]{64}\.hex$/.test(n));
    } catch {
      return [];
    }
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
