import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { expandMetadata } from '@polkadot/types/metadata/decorate';
import type { DecoratedMeta } from '@polkadot/types/metadata/decorate/types';
import { u8aToHex } from '@polkadot/util';
import { sharedDir } from '../support/sharedFiles.js';

export type MetadataName = 'finney-219' | 'testnet-224' | 'devnet-240' | 'devnet-346' | 'devnet-381';
export const ALL_METADATA: MetadataName[] = ['finney-219', 'testnet-224', 'devnet-240', 'devnet-346', 'devnet-381'];

export { sharedDir };

export function metadataPath(name: MetadataName): string {
  return path.join(sharedDir(), 'subtensor', 'metadata', `${name}.scale`);
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
  const bytes = altered ?? readFileSync(file);
  const registry = new TypeRegistry();
  const metadata = new Metadata(registry, bytes);
  registry.setMetadata(metadata, undefined, dataLessExtensions(metadata));
  const decorated = expandMetadata(registry, metadata);
  const versionConst = decorated.consts.system.version;
  return {
    name, registry, metadata, decorated,
    metadataHex: u8aToHex(bytes),
    version: versionConst.toJSON() as unknown as RuntimeVersionJson,
  };
}
