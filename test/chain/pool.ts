import type { CheckedExtrinsic } from './extrinsics.js';
import type { Subscription } from './rpcServer.js';
import type { Hex } from './storage.js';

export interface PoolEntry {
  tx: CheckedExtrinsic;
  watcher?: Subscription;
  status: 'ready' | 'future';
}

/** Transactions waiting for a block, in arrival order; included ones stay banned like the node's pool does. */
export class TxPool {
  readonly entries: PoolEntry[] = [];
  private readonly banned = new Set<Hex>();

  has(hash: Hex): boolean {
    return this.entries.some((e) => e.tx.hash === hash);
  }

  isBanned(hash: Hex): boolean {
    return this.banned.has(hash);
  }

  sameNonce(signer: string, nonce: number): PoolEntry | undefined {
    return this.entries.find((e) => e.tx.signer === signer && e.tx.nonce === nonce);
  }

  /** The nonce after the signer's gap-free run of pooled transactions starting at `accountNonce`. */
  nextNonce(signer: string, accountNonce: number): number {
    const nonces = new Set(this.entries.filter((e) => e.tx.signer === signer).map((e) => e.tx.nonce));
    let next = accountNonce;
    while (nonces.has(next)) next++;
    return next;
  }

  add(entry: PoolEntry): void {
    this.entries.push(entry);
  }

  /** Forgets every waiting transaction and every ban, as a node process that restarts does (its pool is memory only). */
  clear(): PoolEntry[] {
    this.banned.clear();
    return this.entries.splice(0);
  }

  remove(hash: Hex, ban: boolean): PoolEntry | undefined {
    const i = this.entries.findIndex((e) => e.tx.hash === hash);
    if (ban) this.banned.add(hash);
    return i < 0 ? undefined : this.entries.splice(i, 1)[0];
  }
}
