import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { expandMetadata } from '@polkadot/types/metadata/decorate';
import type { DecoratedMeta } from '@polkadot/types/metadata/decorate/types';
import { u8aToHex } from '@polkadot/util';
import { sharedDir } from '../support/sharedFiles.js';

export type MetadataName = 'finney-219' | 'testnet-224' | 'devnet-240' | 'devnet-346' | 'devnet-381' | 'devnet-381+2026';
export const ALL_METADATA: MetadataName[] = ['finney-219', 'testnet-224', 'devnet-240', 'devnet-346', 'devnet-381'];

export { sharedDir };

export function metadataPath(name: MetadataName): string {
  return path.join(sharedDir(), 'subtensor', 'metadata', `${name.replace(/\+2026$/, '')}.scale`);
}

export interface RuntimeVersionJson {
  specName: string; implName: string; authoringVersion: number; specVersion: number; implVersion: number;
  apis: Array<[string, number]>; transactionVersion: number; stateVersion: number;
}

export interface LoadedRuntime {
  name: MetadataName;
  registry: TypeRegistry;
  metadata: Metadata;
  decorated: DecoratedMeta;
  /** The file's bytes as hex, exactly what `state_getMetadata` returns. */
  metadataHex: string;
  version: RuntimeVersionJson;
}

/**
 * subtensor's own transaction extensions carry no data; declaring them keeps the registry's
 * payload layout identical to what @polkadot/api signs and avoids the "unknown extension" warning.
 */
export function dataLessExtensions(metadata: Metadata): Record<string, { extrinsic: Record<string, never>; payload: Record<string, never> }> {
  const known = new Set(['CheckNonZeroSender', 'CheckSpecVersion', 'CheckTxVersion', 'CheckGenesis', 'CheckMortality',
    'CheckNonce', 'CheckWeight', 'ChargeTransactionPayment', 'CheckMetadataHash']);
  const out: Record<string, { extrinsic: Record<string, never>; payload: Record<string, never> }> = {};
  for (const ext of metadata.asLatest.extrinsic.transactionExtensions) {
    const id = ext.identifier.toString();
    if (!known.has(id)) out[id] = { extrinsic: {}, payload: {} };
  }
  return out;
}

/** `name`'s runtime, or with `altered` metadata bytes in its place (a runtime made up from it by a test). */
export function loadRuntime(name: MetadataName, altered?: Uint8Array): LoadedRuntime {
  const file = metadataPath(name);
  if (!altered && !existsSync(file)) {
    throw new Error(`test chain: metadata file ${file} is missing; put the shared subtensor metadata there or set VALTRAC_SHARED`);
  }
  const registry = new TypeRegistry();
  const read = new Metadata(new TypeRegistry(), altered ?? readFileSync(file));
  const metadata = name.endsWith('+2026') ? with2026Storage(registry, read) : new Metadata(registry, read.toU8a());
  const bytes = metadata.toU8a();
  registry.setMetadata(metadata, undefined, dataLessExtensions(metadata));
  const decorated = expandMetadata(registry, metadata);
  const versionConst = decorated.consts.system.version;
  return {
    name, registry, metadata, decorated,
    metadataHex: u8aToHex(bytes),
    version: versionConst.toJSON() as unknown as RuntimeVersionJson,
  };
}

/**
 * No runtime here declares the storage of 2026 (spec 441+). A real metadata (v16) extended with it, as read in
 * RaoFoundation/subtensor: `AlphaV2(hotkey, coldkey, netuid)` and `TotalHotkeySharesV2(hotkey, netuid)` hold
 * share_pool's SafeFloat `{ mantissa: u128, exponent: i64 }` under the same keys as `Alpha` / `TotalHotkeyShares`;
 * `BasketShares(hotkey) -> u64`, `BasketRate(hotkey) -> I96F32 { bits: i128 }`, `BasketClaimed(hotkey, coldkey) -> i128`
 * (claim_root.rs). Everything else is the file's own.
 */
function with2026Storage(registry: TypeRegistry, read: Metadata): Metadata {
  type TypeJson = { id: number; type: { path: string[]; params: unknown[]; def: Record<string, unknown>; docs: string[] } };
  type ItemJson = { name: string; modifier: string; type: Record<string, unknown>; fallback: string; docs: string[]; deprecationInfo?: unknown };
  const json = read.toJSON() as unknown as { magicNumber: number; metadata: { v16: { lookup: { types: TypeJson[] }; pallets: Array<{ name: string; storage: { items: ItemJson[] } }> } } };
  const latest = json.metadata.v16;
  if (!latest) throw new Error('test chain: the 2026 layout extends a v16 metadata file');
  const types = latest.lookup.types;
  const primitive = (name: string) => types.find((t) => String(t.type.def.primitive).toLowerCase() === name)!.id;
  const account = types.find((t) => t.type.path.join('::') === 'sp_core::crypto::AccountId32')!.id;
  const add = (path: string[], def: Record<string, unknown>) => {
    const id = types.length;
    types.push({ id, type: { path, params: [], def, docs: [] } });
    return id;
  };
  const subtensor = latest.pallets.find((p) => p.name === 'SubtensorModule')!.storage.items;
  const like = (name: string) => subtensor.find((i) => i.name === name)!;
  const safeFloat = add(['share_pool', 'safe_float', 'SafeFloat'], {
    composite: { fields: [{ name: 'mantissa', type: primitive('u128'), typeName: 'u128', docs: [] }, { name: 'exponent', type: primitive('i64'), typeName: 'i64', docs: [] }] },
  });
  // I96F32 is the file's own FixedI128 whose fraction is not U64F64's (64 bits): the 32-bit one.
  const byId = (id: number) => types.find((t) => t.id === id)!.type;
  const sixtyFour = (byId((like('Alpha').type as { map: { value: number } }).map.value).params as Array<{ type: number }>)[0]!.type;
  const i96f32 = types.find((t) => t.type.path.join('::') === 'substrate_fixed::FixedI128' && (t.type.params as Array<{ type: number }>)[0]!.type !== sixtyFour)!.id;
  const accountPair = add([], { tuple: [account, account] });
  const map = (hashers: string[], key: number, value: number) => ({ map: { hashers, key, value } });
  const item = (name: string, type: Record<string, unknown>, fallback: string): ItemJson =>
    ({ name, modifier: 'Default', type, fallback, docs: [], deprecationInfo: { notDeprecated: null } });
  const keyOf = (name: string) => (like(name).type as { map: { hashers: string[]; key: number } }).map;
  const zero = (bytes: number) => `0x${'00'.repeat(bytes)}`;
  subtensor.push(
    item('AlphaV2', map(keyOf('Alpha').hashers, keyOf('Alpha').key, safeFloat), zero(24)),
    item('TotalHotkeySharesV2', map(keyOf('TotalHotkeyShares').hashers, keyOf('TotalHotkeyShares').key, safeFloat), zero(24)),
    item('BasketShares', map(['Blake2_128Concat'], account, primitive('u64')), zero(8)),
    item('BasketRate', map(['Blake2_128Concat'], account, i96f32), zero(16)),
    item('BasketClaimed', map(['Blake2_128Concat', 'Blake2_128Concat'], accountPair, primitive('i128')), zero(16)),
  );
  return new Metadata(registry, { magicNumber: json.magicNumber, metadata: { v16: latest } } as never);
}
