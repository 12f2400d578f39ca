import type { ApiPromise } from '@polkadot/api';
import type { EventRecord, DispatchError } from '@polkadot/types/interfaces';
import type { Rao } from '../domain/types.js';

export interface Inclusion {
  blockNumber: number;
  blockHash: string;
  /** null when the batch succeeded; else the decoded error, e.g. "balances.InsufficientBalance: ...". */
  error: string | null;
  fee: Rao | null;
  /** The events of this extrinsic, in order: what the chain says it did. */
  events: EventRecord[];
}

/** Decodes a dispatch error into "pallet.Error: docs" (module errors) or the error's kind. */
export function describeDispatchError(api: ApiPromise, error: DispatchError): string {
  if (error.isModule) {
    const meta = api.registry.findMetaError(error.asModule);
    return `${meta.section}.${meta.name}${meta.docs.length ? `: ${meta.docs.join(' ').trim()}` : ''}`;
  }
  // Token, Arithmetic and Transactional errors carry their reason as an inner enum: "Token.FundsUnavailable"
  const inner = (error.value as unknown as { type?: unknown }).type;
  return typeof inner === 'string' ? `${error.type}.${inner}` : error.type;
}

/** The outcome of the extrinsic at `index` in a block, read from that block's events. */
export function outcomeAt(api: ApiPromise, events: readonly EventRecord[], index: number): { error: string | null; fee: Rao | null; events: EventRecord[] } {
  let error: string | null = null;
  let fee: Rao | null = null;
  const own = events.filter(({ phase }) => phase.isApplyExtrinsic && phase.asApplyExtrinsic.toNumber() === index);
  for (const { event } of own) {
    if (api.events.system!.ExtrinsicFailed!.is(event)) error = describeDispatchError(api, event.data[0] as DispatchError);
    if (api.events.transactionPayment?.TransactionFeePaid?.is(event)) fee = (event.data[1] as unknown as { toBigInt(): bigint }).toBigInt();
  }
  return { error, fee, events: own };
}

/** Finds the extrinsic by hash in blocks `from..to` (inclusive); the caller keeps `to` at or below the finalized head. */
export async function findInBlocks(
  api: ApiPromise,
  hash: string,
  from: number,
  to: number,
): Promise<(Inclusion & { index: number }) | null> {
  for (let n = from; n <= to; n++) {
    const blockHash = await api.rpc.chain.getBlockHash(n);
    const block = await api.rpc.chain.getBlock(blockHash);
    const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === hash);
    if (index < 0) continue;
    const events = await (await api.at(blockHash)).query.system!.events!();
    return { blockNumber: n, blockHash: blockHash.toHex(), index, ...outcomeAt(api, events as unknown as EventRecord[], index) };
  }
  return null;
}

/** Why submitAndFollow gave up when the socket closed: the node may still include the transaction. */
export class NodeLostError extends Error {
  constructor() {
    super('lost the connection to the node');
    this.name = 'NodeLostError';
  }
}

/**
 * Submits signed bytes and follows them to finality. Resolves with the finalized block and the outcome;
 * rejects when the node refuses the transaction (invalid, stale nonce, already imported...), and with NodeLostError
 * when the connection drops first. `onSubmitted` runs once the node has accepted it into its pool, `onInBlock` once
 * a block includes it.
 */
export async function submitAndFollow(
  api: ApiPromise,
  hex: string,
  hooks: { onSubmitted?: () => void; onInBlock?: (blockHash: string) => void } = {},
): Promise<Inclusion> {
  const extrinsic = api.createType('Extrinsic', hex);
  return new Promise<Inclusion>((resolve, reject) => {
    let unsubscribe: (() => void) | null = null;
    let submitted = false;
    // @polkadot/api never ends an established subscription when its socket closes: without this the promise would
    // stay pending forever and the process would end with an unsettled top-level await.
    const lost = () => reject(new NodeLostError());
    api.once('disconnected', lost);
    const done = () => {
      api.off('disconnected', lost);
      unsubscribe?.();
    };
    const fail = (error: unknown) => {
      api.off('disconnected', lost);
      reject(api.isConnected ? error : new NodeLostError());
    };
    api.rpc.author
      .submitAndWatchExtrinsic(extrinsic, (status) => {
        if (!submitted) {
          submitted = true;
          hooks.onSubmitted?.();
        }
        if (status.isInBlock) hooks.onInBlock?.(status.asInBlock.toHex());
        if (status.isFinalized) {
          done();
          const blockHash = status.asFinalized;
          void (async () => {
            const [block, apiAt] = await Promise.all([api.rpc.chain.getBlock(blockHash), api.at(blockHash)]);
            const index = block.block.extrinsics.findIndex((x) => x.hash.toHex() === extrinsic.hash.toHex());
            const events = (await apiAt.query.system!.events!()) as unknown as EventRecord[];
            resolve({
              blockNumber: block.block.header.number.toNumber(),
              blockHash: blockHash.toHex(),
              ...outcomeAt(api, events, index),
            });
          })().catch(fail);
        } else if (status.isDropped || status.isInvalid || status.isUsurped || status.isFinalityTimeout) {
          done();
          reject(new Error(`the node reported the batch as ${status.type}`));
        }
      })
      .then((u) => {
        unsubscribe = u;
      })
      .catch(fail);
  });
}
