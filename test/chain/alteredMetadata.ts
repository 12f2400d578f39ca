import { readFileSync } from 'node:fs';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { metadataPath, type MetadataName } from './metadataFiles.js';

// The metadata is edited in its JSON form (untyped `any`), the way a new runtime would change it.

/** The metadata body as JSON (`lookup`, `pallets`, `extrinsic`, ...) and its version key (`v14`, `v15`, `v16`). */
export interface MetadataJson {
  version: string;
  body: any;
}

/**
 * A runtime that does not exist: `name`'s metadata with `edit` applied to its JSON form, encoded again. The result
 * loads like a node's answer to `state_getMetadata` (TestChain's `metadataBytes`, or `new Metadata(registry, bytes)`).
 */
export function alterMetadata(name: MetadataName, edit: (m: MetadataJson) => void): Uint8Array {
  const json: any = new Metadata(new TypeRegistry(), readFileSync(metadataPath(name))).toJSON();
  const version = Object.keys(json.metadata)[0]!;
  edit({ version, body: json.metadata[version] });
  return new Metadata(new TypeRegistry(), json).toU8a();
}

/** Appends a transaction extension whose extrinsic part is `extra` ('nothing' or a primitive such as 'u32'). */
export function addExtension(m: MetadataJson, identifier: string, extra: 'nothing' | 'U32' | 'U64'): void {
  const ext = m.body.extrinsic;
  const list = ext.transactionExtensions ?? ext.signedExtensions;
  const implicitKey = m.version === 'v16' ? 'implicit' : 'additionalSigned';
  const empty = list.find((e: any) => e.identifier === 'CheckWeight');
  const type = extra === 'nothing' ? empty.type : primitiveId(m, extra);
  list.push({ identifier, type, [implicitKey]: empty[implicitKey] });
  if (ext.transactionExtensionsByVersion) {
    for (const indices of Object.values(ext.transactionExtensionsByVersion) as number[][]) indices.push(list.length - 1);
  }
}

/** The storage item `pallet.item` in the metadata's JSON form. */
export function storageItem(m: MetadataJson, pallet: string, item: string): any {
  const items = m.body.pallets.find((p: any) => p.name === pallet).storage.items;
  return items.find((i: any) => i.name === item);
}

/** Removes a storage item. */
export function dropStorage(m: MetadataJson, pallet: string, item: string): void {
  const items = m.body.pallets.find((p: any) => p.name === pallet).storage.items;
  items.splice(items.indexOf(storageItem(m, pallet, item)), 1);
}

/** Adds a storage item copied from an existing one under a new name (a new version of a map, e.g. `AlphaV3`). */
export function copyStorage(m: MetadataJson, pallet: string, from: string, to: string): void {
  const items = m.body.pallets.find((p: any) => p.name === pallet).storage.items;
  items.push({ ...structuredClone(storageItem(m, pallet, from)), name: to });
}

/** Changes a storage item's value type to a primitive (a map's value, or a plain item's type). */
export function retypeStorage(m: MetadataJson, pallet: string, item: string, primitive: 'U32' | 'U64' | 'U128'): void {
  const type = storageItem(m, pallet, item).type;
  const id = primitiveId(m, primitive);
  if (type.map) type.map.value = id;
  else type.plain = id;
}

function primitiveId(m: MetadataJson, primitive: string): number {
  const found = m.body.lookup.types.find((t: any) => t.type.def.primitive === primitive);
  if (!found) throw new Error(`test metadata: no ${primitive} type to reuse`);
  return found.id;
}
