import { StorageKey } from '@polkadot/types';
import type { Codec } from '@polkadot/types/types';
import type { StorageEntry } from '@polkadot/types/primitive/types';
import { compactStripLength, hexToU8a, stringCamelCase, u8aToHex } from '@polkadot/util';
import type { LoadedRuntime } from './metadataFiles.js';
import type { Hex, StateView } from './storage.js';

/** Keys and values of the runtime's storage items, computed from the metadata's hashers and types. */
export class StorageCodec {
  constructor(private readonly rt: LoadedRuntime) {}

  has(pallet: string, item: string): boolean {
    return Boolean(this.rt.decorated.query[stringCamelCase(pallet)]?.[stringCamelCase(item)]);
  }

  entry(pallet: string, item: string): StorageEntry {
    const fn = this.rt.decorated.query[stringCamelCase(pallet)]?.[stringCamelCase(item)];
    if (!fn) throw new Error(`test chain: ${pallet}.${item} is not in the ${this.rt.name} metadata`);
    return fn;
  }

  key(pallet: string, item: string, keys: unknown[] = []): Hex {
    const fn = this.entry(pallet, item);
    return u8aToHex(compactStripLength(fn.meta.type.isPlain ? fn() : fn(...keys))[1]);
  }

  /** Prefix of a map, optionally narrowed by its leading keys (for iteration). */
  prefix(pallet: string, item: string, leading: unknown[] = []): Hex {
    const fn = this.entry(pallet, item);
    return u8aToHex(fn.keyPrefix(...leading));
  }

  private valueType(pallet: string, item: string): string {
    const type = this.entry(pallet, item).meta.type;
    return this.rt.registry.createLookupType(type.isPlain ? type.asPlain : type.asMap.value);
  }

  encode(pallet: string, item: string, value: unknown): Hex {
    return u8aToHex(this.rt.registry.createTypeUnsafe(this.valueType(pallet, item), [value]).toU8a());
  }

  decodeValue(pallet: string, item: string, raw: Hex): Codec {
    return this.rt.registry.createTypeUnsafe(this.valueType(pallet, item), [hexToU8a(raw)]);
  }

  /** The stored value, or the metadata's default for `ValueQuery` items; `null` for absent `OptionQuery` items. */
  read(view: StateView, pallet: string, item: string, keys: unknown[] = []): Codec | null {
    const raw = view.get(this.key(pallet, item, keys));
    if (raw !== null) return this.decodeValue(pallet, item, raw);
    const meta = this.entry(pallet, item).meta;
    if (meta.modifier.isOptional) return null;
    return this.decodeValue(pallet, item, meta.fallback.toHex());
  }

  write(state: { set(key: Hex, value: Hex | null): void }, pallet: string, item: string, keys: unknown[], value: unknown | null): void {
    state.set(this.key(pallet, item, keys), value === null ? null : this.encode(pallet, item, value));
  }

  /** The value of a key in a map with `*Concat`/`Identity` hashers, decoded from the raw key's tail. */
  keyArgs(pallet: string, item: string, rawKey: Hex): Codec[] {
    const fn = this.entry(pallet, item);
    const key = new StorageKey(this.rt.registry, rawKey);
    key.setMeta(fn.meta);
    return key.args;
  }
}
