import type { Metadata } from '@polkadot/types';
import type { PortableRegistry } from '@polkadot/types/metadata';

/**
 * A type from a runtime's metadata written out by its structure alone (field names, primitives, lengths, variants),
 * never by its type id or Rust path: two runtimes agree on a shape exactly when the bytes they encode mean the same.
 * Example: `AccountId32` is `([u8;32])`, `U64F64` is `{bits:u128}`.
 */
export function typeShape(lookup: PortableRegistry, id: number): string {
  return render(lookup, id, new Set());
}

function render(lookup: PortableRegistry, id: number, open: Set<number>): string {
  const si = lookup.getSiType(id);
  // A type that contains itself (a call enum nests calls) is named rather than unrolled; so are the runtime's call and
  // event enums, which change with every pallet added: ValTrac checks the calls it makes one by one instead.
  const name = si.path.length ? si.path[si.path.length - 1]!.toString() : '';
  if (open.has(id) || name === 'RuntimeCall' || name === 'RuntimeEvent') return `#${name || id}`;
  const def = si.def;
  open.add(id);
  try {
    if (def.isPrimitive) return def.asPrimitive.toString().toLowerCase();
    if (def.isCompact) return `Compact<${render(lookup, def.asCompact.type.toNumber(), open)}>`;
    if (def.isSequence) return `Vec<${render(lookup, def.asSequence.type.toNumber(), open)}>`;
    if (def.isArray) return `[${render(lookup, def.asArray.type.toNumber(), open)};${def.asArray.len.toNumber()}]`;
    if (def.isTuple) return `(${def.asTuple.map((t) => render(lookup, t.toNumber(), open)).join(',')})`;
    if (def.isBitSequence) return 'BitVec';
    if (def.isComposite) return fields(lookup, def.asComposite.fields, open);
    if (def.isVariant) {
      const variants = def.asVariant.variants.map((v) => `${v.index.toNumber()}:${v.name.toString()}${v.fields.length ? fields(lookup, v.fields, open) : ''}`);
      return `enum{${variants.join('|')}}`;
    }
    return `?${def.type}`;
  } finally {
    open.delete(id);
  }
}

type Fields = PortableRegistry['types'][number]['type']['def']['asComposite']['fields'];

function fields(lookup: PortableRegistry, list: Fields, open: Set<number>): string {
  const named = list.length > 0 && list.every((f) => f.name.isSome);
  const parts = list.map((f) => (named ? `${f.name.unwrap().toString()}:` : '') + render(lookup, f.type.toNumber(), open));
  return named ? `{${parts.join(',')}}` : `(${parts.join(',')})`;
}

export interface ExtensionTypes {
  identifier: string;
  /** What the extension adds to the extrinsic. */
  extra: string;
  /** What it adds to the signed payload only (`additionalSigned` / `implicit`). */
  implicit: string;
}

/**
 * Each transaction extension the runtime declares, in its order, with both its shapes. Read from the metadata's own
 * version: @polkadot/types' V16 view of V14/V15 metadata sets every implicit type to type 0.
 */
export function extensionTypes(metadata: Metadata): ExtensionTypes[] {
  const lookup = metadata.asLatest.lookup;
  const v = metadata.version;
  const list =
    v === 14
      ? metadata.asV14.extrinsic.signedExtensions.map((e) => ({ id: e.identifier, type: e.type, implicit: e.additionalSigned }))
      : v === 15
        ? metadata.asV15.extrinsic.signedExtensions.map((e) => ({ id: e.identifier, type: e.type, implicit: e.additionalSigned }))
        : metadata.asLatest.extrinsic.transactionExtensions.map((e) => ({ id: e.identifier, type: e.type, implicit: e.implicit }));
  return list.map((e) => ({
    identifier: e.id.toString(),
    extra: typeShape(lookup, e.type.toNumber()),
    implicit: typeShape(lookup, e.implicit.toNumber()),
  }));
}
