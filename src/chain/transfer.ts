import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { EventRecord, DispatchError } from '@polkadot/types/interfaces';
import type { AlphaPart } from '../domain/stakePayout.js';
import type { Rao } from '../domain/types.js';
import { splitToFit } from './batches.js';

/** Blocks a signed batch stays valid for: after that it provably can never be included. */
export const ERA_PERIOD = 64;

export interface Transfer {
  user: string;
  address: string;
  amount: Rao;
}

/** A payment made as stake: the owner's alpha per subnet, moved to the recipient on the validator hotkey. */
export interface StakeTransfer extends Transfer {
  parts: AlphaPart[];
}

/** The calls that make one payment inside a batch; everything else about batches is the same for every kind. */
export type PaymentCalls<T extends Transfer> = (api: ApiPromise, transfer: T) => SubmittableExtrinsic<'promise'>[];

/** Pays TAO from the sender's free balance, never reaping the sender. */
export const taoCalls: PaymentCalls<Transfer> = (api, t) => [api.tx.balances!.transferKeepAlive!(t.address, t.amount)];

/** Pays the sender's alpha on `hotkey`, each subnet's part staying on its subnet (no swap). */
export function stakeCalls(hotkey: string): PaymentCalls<StakeTransfer> {
  return (api, t) => t.parts.map((p) => api.tx.subtensorModule!.transferStake!(t.address, hotkey, p.netuid, p.netuid, p.alpha));
}

/** Whether the runtime can pay as stake (`SubtensorModule.transfer_stake` exists in its metadata). */
export function canTransferStake(api: ApiPromise): boolean {
  return Boolean(api.tx.subtensorModule?.transferStake);
}

export interface BatchPlan<T extends Transfer = Transfer> {
  transfers: T[];
  fee: Rao;
  refTime: bigint;
  proofSize: bigint;
  length: number;
}

export interface BlockLimits {
  refTime: bigint;
  proofSize: bigint;
  length: number;
}

/** One atomic `utility.batch_all` of every payment's calls: all land, or none. */
export function batchCall<T extends Transfer>(
  api: ApiPromise,
  transfers: readonly T[],
  calls: PaymentCalls<T> = taoCalls,
): SubmittableExtrinsic<'promise'> {
  return api.tx.utility!.batchAll!(transfers.flatMap((t) => calls(api, t)));
}

/** What one normal-class extrinsic may use: the runtime's own limits, read from its constants. */
export function blockLimits(api: ApiPromise): BlockLimits {
  const weights = api.consts.system!.blockWeights as unknown as BlockWeightsConst;
  const normal = weights.perClass.normal;
  const weight = normal.maxExtrinsic.isSome ? normal.maxExtrinsic.unwrap() : weights.maxBlock;
  const length = api.consts.system!.blockLength as unknown as { max: { normal: { toNumber(): number } } };
  return {
    refTime: weight.refTime.toBigInt(),
    proofSize: weight.proofSize.toBigInt(),
    length: length.max.normal.toNumber(),
  };
}

interface WeightCodec {
  refTime: { toBigInt(): bigint };
  proofSize: { toBigInt(): bigint };
}
interface BlockWeightsConst {
  maxBlock: WeightCodec;
  perClass: { normal: { maxExtrinsic: { isSome: boolean; unwrap(): WeightCodec } } };
}

/** Estimates a batch as the chain would charge it: weight, fee and encoded length of the signed extrinsic. */
async function estimate<T extends Transfer>(api: ApiPromise, sender: string, transfers: readonly T[], calls: PaymentCalls<T>) {
  const tx = batchCall(api, transfers, calls);
  const info = await tx.paymentInfo(sender);
  // a signature, era, nonce and tip add ~100 bytes to the unsigned call
  const length = tx.method.encodedLength + 128;
  return {
    fee: info.partialFee.toBigInt(),
    refTime: info.weight.refTime.toBigInt(),
    proofSize: info.weight.proofSize.toBigInt(),
    length,
  };
}

/** Splits the transfers into as few `batch_all` as the block's normal-class weight and length allow. */
export async function planBatches<T extends Transfer>(
  api: ApiPromise,
  sender: string,
  transfers: readonly T[],
  calls: PaymentCalls<T> = taoCalls,
): Promise<BatchPlan<T>[]> {
  const limits = blockLimits(api);
  const chunks = await splitToFit(transfers, async (chunk) => {
    const e = await estimate(api, sender, chunk, calls);
    return { load: Math.max(ratio(e.refTime, limits.refTime), ratio(e.proofSize, limits.proofSize), ratio(BigInt(e.length), BigInt(limits.length))), value: e };
  });
  return chunks.map(({ chunk, value }) => ({ transfers: chunk, ...value }));
}

/** used / limit as a float for sizing chunks only (never money); exact at the boundary: used <= limit ⇔ ratio <= 1. */
function ratio(used: bigint, limit: bigint): number {
  if (used <= limit) return Number((used * 1_000_000n) / limit) / 1_000_000;
  return 1 + Number(((used - limit) * 1_000_000n) / limit + 1n) / 1_000_000;
}

export interface SignedBatch {
  hex: string;
  hash: string;
  nonce: number;
  eraBirth: number;
  eraPeriod: number;
}

/** Signs with an explicit nonce and a mortal era born at `birth`, so a crash can later prove whether it landed. */
export async function signBatch<T extends Transfer>(
  api: ApiPromise,
  pair: KeyringPair,
  transfers: readonly T[],
  nonce: number,
  birth: { number: number; hash: string },
  calls: PaymentCalls<T> = taoCalls,
): Promise<SignedBatch> {
  const tx = batchCall(api, transfers, calls);
  await tx.signAsync(pair, {
    nonce,
    blockHash: birth.hash,
    era: api.registry.createType('ExtrinsicEra', { current: birth.number, period: ERA_PERIOD }),
  });
  return { hex: tx.toHex(), hash: tx.hash.toHex(), nonce, eraBirth: birth.number, eraPeriod: ERA_PERIOD };
}

export interface Inclusion {
  blockNumber: number;
  blockHash: string;
  /** null when the batch succeeded; else the decoded error, e.g. "balances.InsufficientBalance: ...". */
  error: string | null;
  fee: Rao | null;
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
export function outcomeAt(api: ApiPromise, events: readonly EventRecord[], index: number): { error: string | null; fee: Rao | null } {
  let error: string | null = null;
  let fee: Rao | null = null;
  for (const { phase, event } of events) {
    if (!phase.isApplyExtrinsic || phase.asApplyExtrinsic.toNumber() !== index) continue;
    if (api.events.system!.ExtrinsicFailed!.is(event)) error = describeDispatchError(api, event.data[0] as DispatchError);
    if (api.events.transactionPayment?.TransactionFeePaid?.is(event)) fee = (event.data[1] as unknown as { toBigInt(): bigint }).toBigInt();
  }
  return { error, fee };
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

export interface AccountState {
  free: Rao;
  /** Has a provider or sufficient reference: a new account must receive at least the existential deposit. */
  exists: boolean;
}

interface AccountCodec {
  data: { free: { toBigInt(): bigint } };
  providers: { toNumber(): number };
  sufficients: { toNumber(): number };
}

/** Free balance and existence of each address, in one storage query. */
export async function accountStates(api: ApiPromise, addresses: readonly string[]): Promise<AccountState[]> {
  if (addresses.length === 0) return [];
  const accounts = (await api.query.system!.account!.multi([...addresses])) as unknown as AccountCodec[];
  return accounts.map((a) => ({
    free: a.data.free.toBigInt(),
    exists: a.providers.toNumber() > 0 || a.sufficients.toNumber() > 0,
  }));
}

/** The next nonce the node would accept from `address`, counting transactions waiting in its pool. */
export async function nextNonce(api: ApiPromise, address: string): Promise<number> {
  return (await api.rpc.system.accountNextIndex(address)).toNumber();
}

/** The account's nonce in the state of a given (finalized) block: transactions counted there can no longer vanish. */
export async function nonceAt(api: ApiPromise, address: string, blockHash: string): Promise<number> {
  const account = (await (await api.at(blockHash)).query.system!.account!(address)) as unknown as { nonce: { toNumber(): number } };
  return account.nonce.toNumber();
}
