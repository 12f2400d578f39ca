import type { ApiPromise } from '@polkadot/api';
import type { Call, EventRecord } from '@polkadot/types/interfaces';
import { u8aToString } from '@polkadot/util';
import { outcomeAt } from './submit.js';
import { isStateUnavailable } from './stateErrors.js';

/** One extrinsic a key signed, as found in a block. */
export interface SignedByKey {
  blockNumber: number;
  blockHash: string;
  index: number;
  extrinsicHash: string;
  hex: string;
  nonce: number;
  /** `valtrac:<plan>:<batch>` when the extrinsic carries ValTrac's remark. */
  remark: string | null;
  /** Addresses the extrinsic pays (transfers and stake moves). */
  recipients: string[];
  /** The chain's verdict, or `unknown` when the node no longer has that block's state (events). */
  outcome: 'paid' | 'failed' | 'unknown';
  error: string | null;
}

const REMARK = /^valtrac:(P\d+-[0-9a-f]{8}):(\d+)$/;

export function parseRemark(text: string | null): { planId: string; batch: number } | null {
  const match = text === null ? null : REMARK.exec(text);
  return match ? { planId: match[1]!, batch: Number(match[2]) } : null;
}

function flatten(call: Call): Call[] {
  const name = `${call.section}.${call.method}`;
  if (!['utility.batch', 'utility.batchAll', 'utility.forceBatch'].includes(name)) return [call];
  return (call.args[0] as unknown as Call[]).flatMap(flatten);
}

function describe(call: Call): { remark: string | null; recipients: string[] } {
  let remark: string | null = null;
  const recipients: string[] = [];
  for (const c of flatten(call)) {
    const name = `${c.section}.${c.method}`;
    if (name === 'system.remark' || name === 'system.remarkWithEvent') {
      remark ??= u8aToString((c.args[0] as unknown as { toU8a(bare: boolean): Uint8Array }).toU8a(true));
    } else if (c.section === 'balances' || name === 'subtensorModule.transferStake') {
      recipients.push(c.args[0]!.toString());
    }
  }
  return { remark, recipients };
}

/**
 * Every extrinsic `signer` signed in blocks `from..to`, read from the blocks themselves (bodies are kept by every
 * node; the events that say whether each succeeded only while the node has that block's state).
 */
export async function signedBy(api: ApiPromise, signer: string, from: number, to: number, onProgress?: (block: number) => void): Promise<SignedByKey[]> {
  const found: SignedByKey[] = [];
  const CONCURRENCY = 8;
  for (let start = from; start <= to; start += CONCURRENCY) {
    const numbers = Array.from({ length: Math.min(CONCURRENCY, to - start + 1) }, (_, i) => start + i);
    const blocks = await Promise.all(numbers.map(async (n) => {
      const hash = await api.rpc.chain.getBlockHash(n);
      return { n, hash: hash.toHex(), block: await api.rpc.chain.getBlock(hash) };
    }));
    for (const { n, hash, block } of blocks) {
      const mine = block.block.extrinsics.map((x, index) => ({ x, index })).filter(({ x }) => x.isSigned && x.signer.toString() === signer);
      if (mine.length === 0) continue;
      let events: EventRecord[] | null = null;
      try {
        events = (await (await api.at(hash)).query.system!.events!()) as unknown as EventRecord[];
      } catch (error) {
        if (!isStateUnavailable(error)) throw error;
      }
      for (const { x, index } of mine) {
        const outcome = events ? outcomeAt(api, events, index) : null;
        found.push({
          blockNumber: n,
          blockHash: hash,
          index,
          extrinsicHash: x.hash.toHex(),
          hex: x.toHex(),
          nonce: x.nonce.toNumber(),
          ...describe(x.method as unknown as Call),
          outcome: outcome === null ? 'unknown' : outcome.error === null ? 'paid' : 'failed',
          error: outcome?.error ?? null,
        });
      }
    }
    onProgress?.(numbers.at(-1)!);
  }
  return found;
}
