import type { Extrinsic } from '@polkadot/types/interfaces';
import type { Call } from '@polkadot/types/interfaces';
import type { GenericExtrinsicSignatureV4 } from '@polkadot/types';
import { hexToU8a, u8aToHex } from '@polkadot/util';
import { blake2AsU8a, signatureVerify } from '@polkadot/util-crypto';
import type { Accounts } from './accounts.js';
import type { Dispatcher } from './dispatch.js';
import { callWeight, partialFee, type Weight } from './fees.js';
import type { LoadedRuntime } from './metadataFiles.js';
import { RpcError } from './rpcServer.js';
import type { Hex, StateView } from './storage.js';

/** sp_runtime's InvalidTransaction variants with the text the author RPC puts in `data`. */
export const INVALID = {
  Call: 'Transaction call is not expected',
  Future: 'Transaction will be valid in the future',
  Stale: 'Transaction is outdated',
  BadProof: 'Transaction has a bad signature',
  AncientBirthBlock: 'Transaction has an ancient birth block',
  ExhaustsResources: 'Transaction would exhaust the block limits',
  Payment: 'Inability to pay some fees (e.g. account balance too low)',
} as const;
export type InvalidKind = keyof typeof INVALID;

/** Each variant's index in sp_runtime's `InvalidTransaction` enum, for encoding a `TransactionValidityError`. */
export const INVALID_INDEX: Record<InvalidKind, number> = {
  Call: 0,
  Payment: 1,
  Future: 2,
  Stale: 3,
  BadProof: 4,
  AncientBirthBlock: 5,
  ExhaustsResources: 6,
};

/** Error 1010 as the author RPC answers a transaction the runtime rejected. */
export class InvalidTransaction extends RpcError {
  constructor(readonly kind: InvalidKind) {
    super(1010, 'Invalid Transaction', INVALID[kind]);
  }
}

export interface CheckedExtrinsic {
  hex: Hex;
  hash: Hex;
  length: number;
  signer: string;
  nonce: number;
  tip: bigint;
  call: Call;
  weight: Weight;
  /** What the sender pays: partial fee plus tip. */
  fee: bigint;
}

export interface ValidationContext {
  rt: LoadedRuntime;
  genesisHash: Hex;
  /** Hashes the runtime's `System.BlockHash` still holds (within BlockHashCount of the current block). */
  blockHashAt(n: number): Hex | undefined;
  accounts: Accounts;
  dispatcher: Dispatcher;
}

export function decodeExtrinsic(rt: LoadedRuntime, hex: unknown): Extrinsic {
  try {
    const ext = rt.registry.createType('Extrinsic', hexToU8a(String(hex)));
    if (u8aToHex(ext.toU8a()) !== String(hex).toLowerCase()) throw new Error('trailing or inconsistent bytes');
    return ext;
  } catch (e) {
    throw new RpcError(1001, `Extrinsic has invalid format: ${(e as Error).message}`);
  }
}

/** The fee the runtime charges for an extrinsic of this call and length (tip excluded). */
export function estimate(ext: Extrinsic): { weight: Weight; partialFee: bigint } {
  const weight = callWeight(ext.method as Call) ?? { refTime: 0n, proofSize: 0n };
  return { weight, partialFee: partialFee(weight, ext.encodedLength) };
}

/**
 * The runtime's checks, in its order: era birth block (CheckMortality's implicit), signature over the
 * payload the node itself would sign (its spec/tx version and genesis, the birth block's hash),
 * the call, the nonce (stale only: a future nonce is the pool's business), then the fee.
 * `current` is the number of the block being built (best + 1).
 */
export function checkExtrinsic(ctx: ValidationContext, view: StateView, current: number, hex: Hex): CheckedExtrinsic {
  const ext = decodeExtrinsic(ctx.rt, hex);
  if (!ext.isSigned) throw new RpcError(1011, 'Unknown Transaction Validity', 'NoUnsignedValidator');
  const sig = ext.inner.signature as unknown as GenericExtrinsicSignatureV4;
  const era = sig.era;
  const birth = era.isMortalEra ? Number(era.asMortalEra.birth(current)) : 0;
  const birthHash = ctx.blockHashAt(birth);
  if (!birthHash) throw new InvalidTransaction('AncientBirthBlock');

  const registry = ctx.rt.registry;
  const fields: Record<string, unknown> = { method: ext.method.toHex() };
  for (const key of Object.keys(registry.getSignedExtensionTypes())) fields[key] = sig.get(key);
  Object.assign(fields, {
    specVersion: ctx.rt.version.specVersion,
    transactionVersion: ctx.rt.version.transactionVersion,
    genesisHash: ctx.genesisHash,
    blockHash: birthHash,
    // CheckMetadataHash: this runtime is built without a metadata hash, so the signed value is None either way.
    metadataHash: null,
  });
  const payload = registry.createType('ExtrinsicPayload', fields, { version: ext.version & 0x7f });
  let message = payload.toU8a({ method: true });
  if (message.length > 256) message = blake2AsU8a(message);
  const signer = sig.signer.toString();
  let valid = false;
  try {
    valid = signatureVerify(message, sig.multiSignature.toU8a(), signer).isValid;
  } catch {
    valid = false;
  }
  if (!valid) throw new InvalidTransaction('BadProof');

  const call = ext.method as Call;
  const weight = callWeight(call);
  if (!weight || !ctx.dispatcher.supports(call)) throw new InvalidTransaction('Call');

  const account = ctx.accounts.read(view, signer);
  const nonce = sig.nonce.toNumber();
  if (nonce < account.nonce) throw new InvalidTransaction('Stale');

  const tip = sig.tip.toBigInt();
  const fee = partialFee(weight, ext.encodedLength) + tip;
  if (!ctx.accounts.canPayFee(view, signer, fee)) throw new InvalidTransaction('Payment');

  return { hex: hex.toLowerCase(), hash: ext.hash.toHex(), length: ext.encodedLength, signer, nonce, tip, call, weight, fee };
}
