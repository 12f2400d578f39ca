/**
 * Raw key/value state with history per block, so reads at a past block answer what was true then.
 * Keys and values are lowercase 0x-hex strings; `null` means "no entry".
 */
export type Hex = string;

/** A read-only view of the whole state at one point (a committed block, or an overlay above one). */
export interface StateView {
  get(key: Hex): Hex | null;
  /** Keys starting with `prefix`, sorted, strictly after `startKey` when given. */
  keys(prefix: Hex, startKey?: Hex, count?: number): Hex[];
}

interface Version { block: number; value: Hex | null; }

function lowerBound(sorted: Hex[], key: Hex): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class VersionedStorage {
  private readonly history = new Map<Hex, Version[]>();
  /** Every key that ever had a value, sorted (hex of equal-length prefixes sorts like the bytes). */
  private readonly sortedKeys: Hex[] = [];

  valueAt(key: Hex, block: number): Hex | null {
    const versions = this.history.get(key);
    if (!versions) return null;
    for (let i = versions.length - 1; i >= 0; i--) {
      if (versions[i].block <= block) return versions[i].value;
    }
    return null;
  }

  commit(block: number, changes: Map<Hex, Hex | null>): void {
    for (const [key, value] of changes) {
      let versions = this.history.get(key);
      if (!versions) {
        if (value === null) continue;
        versions = [];
        this.history.set(key, versions);
        this.sortedKeys.splice(lowerBound(this.sortedKeys, key), 0, key);
      }
      const last = versions[versions.length - 1];
      if (last && last.block === block) last.value = value;
      else versions.push({ block, value });
    }
  }

  /** Keys whose value differs between `block - 1` and `block`, among `candidates` (or all keys). */
  changedAt(block: number, candidates?: Hex[]): Hex[] {
    const keys = candidates ?? [...this.history.keys()];
    return keys.filter((k) => this.history.get(k)?.some((v) => v.block === block) && this.valueAt(k, block) !== this.valueAt(k, block - 1));
  }

  keysAt(block: number, prefix: Hex, startKey?: Hex, count = Number.MAX_SAFE_INTEGER): Hex[] {
    const out: Hex[] = [];
    const from = startKey && startKey > prefix ? startKey : prefix;
    for (let i = lowerBound(this.sortedKeys, from); i < this.sortedKeys.length && out.length < count; i++) {
      const key = this.sortedKeys[i];
      if (!key.startsWith(prefix)) break;
      if (startKey && key <= startKey) continue;
      if (this.valueAt(key, block) !== null) out.push(key);
    }
    return out;
  }

  view(block: number): StateView {
    return {
      get: (key) => this.valueAt(key, block),
      keys: (prefix, startKey, count) => this.keysAt(block, prefix, startKey, count),
    };
  }
}

/** Uncommitted writes above a view; children give transactional layers (`batch_all` rolls back by dropping one). */
export class Overlay implements StateView {
  readonly changes = new Map<Hex, Hex | null>();

  constructor(private readonly below: StateView) {}

  get(key: Hex): Hex | null {
    return this.changes.has(key) ? (this.changes.get(key) as Hex | null) : this.below.get(key);
  }

  set(key: Hex, value: Hex | null): void {
    this.changes.set(key, value);
  }

  keys(prefix: Hex, startKey?: Hex, count = Number.MAX_SAFE_INTEGER): Hex[] {
    const merged = new Set(this.below.keys(prefix, startKey));
    for (const [key, value] of this.changes) {
      if (!key.startsWith(prefix) || (startKey && key <= startKey)) continue;
      if (value === null) merged.delete(key);
      else merged.add(key);
    }
    return [...merged].sort().slice(0, count);
  }

  child(): Overlay {
    return new Overlay(this);
  }

  /** Applies a child's writes to this layer. */
  absorb(child: Overlay): void {
    for (const [k, v] of child.changes) this.changes.set(k, v);
  }
}
