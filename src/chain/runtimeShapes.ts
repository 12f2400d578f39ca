import type { Metadata } from '@polkadot/types';
import { extensionTypes, typeShape } from './typeShape.js';

/**
 * What one runtime's metadata says about a thing ValTrac uses, keyed like the known-runtime table:
 * `storage Pallet.Item`, `constant Pallet.Name`, `call Pallet.name`, `api Api.method`, `extension Identifier`.
 * A shape is the structure alone (see typeShape), with the encoding details that change the bytes: a storage item's
 * hashers and default-or-optional modifier, a call's pallet and call index.
 */
export interface RuntimeShapes {
  spec: number;
  /** Whether the metadata declares runtime APIs (V15 and later). */
  hasApis: boolean;
  shapes: Map<string, string>;
  /** Every storage item name, per pallet: to notice a new version of a map ValTrac reads (`AlphaV3`). */
  storageNames: Map<string, string[]>;
}

/** Shapes of every item, or of the `wanted` keys only (the known-runtime table's: a full metadata takes ~0.5 s). */
export function runtimeShapes(metadata: Metadata, spec: number, wanted?: ReadonlySet<string>): RuntimeShapes {
  const latest = metadata.asLatest;
  const lookup = latest.lookup;
  const shapes = new Map<string, string>();
  const put = (key: string, shape: () => string) => {
    if (!wanted || wanted.has(key)) shapes.set(key, shape());
  };
  const storageNames = new Map<string, string[]>();
  for (const pallet of latest.pallets) {
    const p = pallet.name.toString();
    if (pallet.storage.isSome) {
      const items = pallet.storage.unwrap().items;
      storageNames.set(p, items.map((i) => i.name.toString()));
      for (const item of items) {
        const t = item.type;
        put(`storage ${p}.${item.name.toString()}`, () => {
          const shape = t.isPlain
            ? typeShape(lookup, t.asPlain.toNumber())
            : `${t.asMap.hashers.map((h) => h.toString()).join(',')}:${typeShape(lookup, t.asMap.key.toNumber())}->${typeShape(lookup, t.asMap.value.toNumber())}`;
          return `${item.modifier.toString()} ${shape}`;
        });
      }
    }
    for (const c of pallet.constants) put(`constant ${p}.${c.name.toString()}`, () => typeShape(lookup, c.type.toNumber()));
    if (pallet.calls.isSome) {
      const si = lookup.getSiType(pallet.calls.unwrap().type);
      for (const v of si.def.asVariant.variants) {
        put(`call ${p}.${v.name.toString()}`, () => {
          const args = v.fields.map((f) => `${f.name.isSome ? f.name.unwrap().toString() : '_'}:${typeShape(lookup, f.type.toNumber())}`);
          return `${pallet.index.toNumber()}.${v.index.toNumber()}(${args.join(',')})`;
        });
      }
    }
  }
  // Runtime APIs are in the metadata from V15 on; older runtimes' APIs are known by @polkadot/api's own definitions.
  if (metadata.version >= 15) {
    const apis = metadata.version === 15 ? metadata.asV15.apis : latest.apis;
    for (const api of apis) {
      for (const m of api.methods) {
        put(`api ${api.name.toString()}.${m.name.toString()}`, () => {
          const inputs = m.inputs.map((i) => typeShape(lookup, i.type.toNumber())).join(',');
          return `(${inputs})->${typeShape(lookup, m.output.toNumber())}`;
        });
      }
    }
  }
  // Every extension: one the table does not know is a difference.
  for (const e of extensionTypes(metadata)) shapes.set(`extension ${e.identifier}`, `${e.extra}+${e.implicit}`);
  return { spec, hasApis: metadata.version >= 15, shapes, storageNames };
}
