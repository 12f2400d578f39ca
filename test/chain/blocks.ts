import type { TypeRegistry } from '@polkadot/types';
import type { Header } from '@polkadot/types/interfaces';
import { blake2AsHex } from '@polkadot/util-crypto';
import { u8aConcat, u8aToHex, bnToU8a, hexToU8a, stringToU8a } from '@polkadot/util';
import { RpcError } from './rpcServer.js';
import type { Hex } from './storage.js';

export interface BlockRecord {
  number: number;
  hash: Hex;
  header: Header;
  /** SCALE of each extrinsic, as `chain_getBlock` lists them. */
  extrinsics: Hex[];
}

/** Chain time: 12 s blocks from a fixed genesis moment, so runs are reproducible. */
export const GENESIS_TIME_MS = 1_767_225_600_000n;
export const BLOCK_TIME_MS = 12_000n;

export function buildHeader(registry: TypeRegistry, parentHash: Hex, number: number, stateRoot: Hex, extrinsics: Hex[]): Header {
  const slot = bnToU8a(BigInt(number) + 1_000_000n, { bitLength: 64, isLe: true });
  return registry.createType('Header', {
    parentHash,
    number,
    stateRoot,
    extrinsicsRoot: blake2AsHex(u8aConcat(...extrinsics.map((x) => hexToU8a(x)))),
    digest: { logs: [{ PreRuntime: [u8aToHex(stringToU8a('aura')), u8aToHex(slot)] }] },
  });
}

/** The JSON a node serves for a header (number as hex, digest logs as SCALE hex). */
export function headerJson(header: Header): Record<string, unknown> {
  return {
    parentHash: header.parentHash.toHex(),
    number: `0x${header.number.toBn().toString(16)}`,
    stateRoot: header.stateRoot.toHex(),
    extrinsicsRoot: header.extrinsicsRoot.toHex(),
    digest: { logs: header.digest.logs.map((log) => log.toHex()) },
  };
}

export class BlockStore {
  private readonly list: BlockRecord[] = [];
  private readonly byHash = new Map<Hex, BlockRecord>();

  add(block: BlockRecord): void {
    this.list[block.number] = block;
    this.byHash.set(block.hash, block);
  }

  get best(): BlockRecord {
    return this.list[this.list.length - 1];
  }

  byNumber(n: number): BlockRecord | undefined {
    return this.list[n];
  }

  find(hash: Hex): BlockRecord | undefined {
    return this.byHash.get(hash.toLowerCase());
  }

  /** The block a state query names (best when absent); an unknown hash gets the node's client error. */
  resolve(hash: unknown): BlockRecord {
    if (hash === undefined || hash === null) return this.best;
    const block = this.find(String(hash));
    if (!block) throw new RpcError(4003, `Client error: UnknownBlock: Header was not found in the database: ${String(hash)}`);
    return block;
  }
}
