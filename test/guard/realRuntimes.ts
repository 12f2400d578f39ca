import { readFileSync } from 'node:fs';
import path from 'node:path';
// chopsticks' own executor (chopsticks-core comes with the @acala-network/chopsticks dev dependency); its wasm-executor
// entry alone, as the package root brings @polkadot type augmentations that do not fit this project's.
import { emptyTaskHandler, runTask } from '@acala-network/chopsticks-core/wasm-executor/index';
import { Metadata, TypeRegistry } from '@polkadot/types';
import { compactStripLength, hexToU8a, u8aToHex } from '@polkadot/util';
import { sharedDir } from '../chain/metadataFiles.js';

/** The real runtimes ValTrac pays on under chopsticks (spec 103, 218, 300), by spec: their wasm in the shared folder. */
export const REAL_RUNTIMES = { 103: 'testfinney-spec103.genesis.json', 218: 'raonet-spec218.genesis.json', 300: 'spec300.compressed.wasm' } as const;

/**
 * A real runtime's own metadata, asked of its wasm without starting a chain: V15 (`Metadata_metadata_at_version(15)`,
 * with the runtime APIs, as @polkadot/api asks a node) where the runtime has it, else `Metadata_metadata`.
 */
export async function realRuntimeMetadata(spec: keyof typeof REAL_RUNTIMES): Promise<Metadata> {
  const file = path.join(sharedDir(), 'subtensor', 'runtimes', REAL_RUNTIMES[spec]);
  const wasm = file.endsWith('.wasm')
    ? u8aToHex(readFileSync(file))
    : (JSON.parse(readFileSync(file, 'utf8')) as { genesis: { raw: { top: Record<string, `0x${string}`> } } }).genesis.raw.top['0x3a636f6465']!;
  const call = async (method: string, args: `0x${string}`[]) => {
    const task = { wasm, calls: [[method, args]] as [string, `0x${string}`[]][], mockSignatureHost: false, allowUnresolvedImports: true, runtimeLogLevel: 0 };
    const response = (await runTask(task, emptyTaskHandler as never)) as { Call?: { result: `0x${string}` }; Error?: string };
    return response.Call ? hexToU8a(response.Call.result) : null;
  };
  const v15 = await call('Metadata_metadata_at_version', ['0x0f000000']);
  // Option<OpaqueMetadata>: 1 then the length-prefixed bytes; 0 when the runtime does not serve V15.
  if (v15 && v15[0] === 1) return new Metadata(new TypeRegistry(), compactStripLength(v15.subarray(1))[1]);
  const any = await call('Metadata_metadata', []);
  if (!any) throw new Error(`spec ${spec}: Metadata_metadata failed`);
  return new Metadata(new TypeRegistry(), compactStripLength(any)[1]);
}
