import type { ApiPromise } from '@polkadot/api';
import type { SubmittableExtrinsic } from '@polkadot/api/types';
import type { KeyringPair } from '@polkadot/keyring/types';
import type { AlphaPart } from '../domain/stakePayout.js';
import type { Rao } from '../domain/types.js';
import { splitToFit } from './batches.js';
import { requireSignableExtensions } from './extensions.js';

/** Blocks a signed batch stays valid for: after that it provably can never be included. */
export const ERA_PERIOD = 64;

export interface Transfer {
  user: string;
  address: string;
  amount: Rao;
}

/**
 * A payment made as stake: the owner's alpha per subnet, moved to the recipient on the validator hotkey; `tao` is
 * what is paid as a plain transfer instead (a payment too small for the runtime's minimum stake move).
 */
export interface StakeTransfer extends Transfer {
  parts: AlphaPart[];
  tao: Rao;
}

/** The calls that make one payment inside a batch; everything else about batches is the same for every kind. */
export type PaymentCalls<T extends Transfer> = (api: ApiPromise, transfer: T) => SubmittableExtrinsic<'promise'>[];

/** Pays TAO from the sender's free balance, never reaping the sender. */
export const taoCalls: PaymentCalls<Transfer> = (api, t) => [api.tx.balances!.transferKeepAlive!(t.address, t.amount)];

/** Pays the sender's alpha on `hotkey`, each subnet's part on its own subnet, and any TAO part as a transfer. */
export function stakeCalls(hotkey: string): PaymentCalls<StakeTransfer> {
  return (api, t) => [
    ...(t.tao > 0n ? taoCalls(api, { ...t, amount: t.tao }) : []),
    ...t.parts.map((p) => api.tx.subtensorModule!.transferStake!(t.address, hotkey, p.netuid, p.netuid, p.alpha)),
  ];
}

/**
 * The plan id on chain, so a payment can be recognised from the chain alone: `system.remark_with_event` (its event
 * carries the sender and the hash of the text) where the runtime has it, else a plain remark.
 */
export function remarkCall(api: ApiPromise, text: string): SubmittableExtrinsic<'promise'> {
  const system = api.tx.system!;
  return system.remarkWithEvent ? system.remarkWithEvent(text) : system.remark!(text);
}

/** The text of the remark that marks batch `batch` of plan `planId`. */
export function planRemark(planId: string, batch: number): string {
  return `valtrac:${planId}:${batch}`;
}

/**
 * Whether the runtime has `utility.batch_all`. Runtimes without the Utility pallet (spec 103) are paid with one
 * `transfer_keep_alive` per payment, consecutive nonces, after one remark that marks the plan.
 */
export function canBatch(api: ApiPromise): boolean {
  return Boolean(api.tx.utility?.batchAll);
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

/**
 * One atomic `utility.batch_all` of the remark and every payment's calls: all land, or none. Without the Utility
 * pallet an extrinsic is a single call: the remark alone, or one payment's single call.
 */
export function batchCall<T extends Transfer>(
  api: ApiPromise,
  transfers: readonly T[],
  calls: PaymentCalls<T> = taoCalls,
  remark: string | null = null,
): SubmittableExtrinsic<'promise'> {
  const all = [...(remark === null ? [] : [remarkCall(api, remark)]), ...transfers.flatMap((t) => calls(api, t))];
  if (canBatch(api)) return api.tx.utility!.batchAll!(all);
  if (all.length !== 1) throw new Error(`this runtime has no utility.batch_all, yet an extrinsic was planned with ${all.length} calls`);
  return all[0]!;
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
async function estimate<T extends Transfer>(api: ApiPromise, sender: string, transfers: readonly T[], calls: PaymentCalls<T>, remark: string | null) {
  const tx = batchCall(api, transfers, calls, remark);
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

/**
 * Splits the transfers into as few `batch_all` as the block's normal-class weight and length allow, each carrying the
 * plan's remark (`remark` is a text of the length the real one will have). Without the Utility pallet: the remark on
 * its own, then one extrinsic per transfer.
 */
export async function planBatches<T extends Transfer>(
  api: ApiPromise,
  sender: string,
  transfers: readonly T[],
  calls: PaymentCalls<T> = taoCalls,
  remark: string | null = null,
): Promise<BatchPlan<T>[]> {
  if (!canBatch(api)) {
    const singles = [...(remark === null ? [] : [[] as T[]]), ...transfers.map((t) => [t])];
    return Promise.all(singles.map(async (chunk) => ({ transfers: chunk, ...(await estimate(api, sender, chunk, calls, chunk.length ? null : remark)) })));
  }
  const limits = blockLimits(api);
  const chunks = await splitToFit(transfers, async (chunk) => {
    const e = await estimate(api, sender, chunk, calls, remark);
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
  remark: string | null = null,
): Promise<SignedBatch> {
  requireSignableExtensions(api);
  const tx = batchCall(api, transfers, calls, remark);
  await tx.signAsync(pair, {
    nonce,
    blockHash: birth.hash,
    era: api.registry.createType('ExtrinsicEra', { current: birth.number, period: ERA_PERIOD }),
  });
  return { hex: tx.toHex(), hash: tx.hash.toHex(), nonce, eraBirth: birth.number, eraPeriod: ERA_PERIOD };
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
