import type { Struct } from '@polkadot/types';
import { compactAddLength, compactFromU8a, hexToU8a, u8aConcat, u8aToHex, bnToU8a, u8aToBigInt } from '@polkadot/util';
import { blake2AsHex, encodeAddress } from '@polkadot/util-crypto';
import type { Accounts } from './accounts.js';
import { decodeExtrinsic, estimate } from './extrinsics.js';
import { feeParts } from './fees.js';
import type { LoadedRuntime } from './metadataFiles.js';
import { RpcError } from './rpcServer.js';
import type { StakeEra } from './scenario.js';
import type { StakeLedger } from './stake.js';
import type { StorageCodec } from './storageCodec.js';
import type { Hex, StateView } from './storage.js';

/** DelegateInfo of the legacy runtimes, in field order: delegate, take, nominators, owner, registrations, permits, returns. */
const LEGACY_DELEGATE_INFO = '(AccountId32, Compact<u16>, Vec<(AccountId32, Compact<u64>)>, AccountId32, Vec<Compact<u16>>, Vec<Compact<u16>>, Compact<u64>, Compact<u64>)';
const u32 = (n: number) => bnToU8a(n, { bitLength: 32, isLe: true });
const u64 = (n: bigint) => bnToU8a(n, { bitLength: 64, isLe: true });

/** Answers `state_call` the way the runtime's exported API functions do, with the metadata's types. */
export class RuntimeApis {
  /** BlockBuilder_apply_extrinsic needs the node's own checks and dispatch: the node sets it. */
  applyExtrinsic: ((data: Hex, view: StateView) => Hex) | null = null;

  constructor(
    private readonly rt: LoadedRuntime,
    private readonly codec: StorageCodec,
    private readonly accounts: Accounts,
    private readonly ledger: StakeLedger,
    private readonly era: StakeEra,
  ) {}

  /** The declared output type of a V15/V16 runtime API method, or undefined when not declared. */
  private outputType(api: string, method: string): string | undefined {
    const a = this.rt.metadata.asLatest.apis.find((x) => x.name.toString() === api);
    const m = a?.methods.find((x) => x.name.toString() === method);
    return m ? this.rt.registry.createLookupType(m.output) : undefined;
  }

  private encodeAs(type: string, value: unknown): Hex {
    return u8aToHex(this.rt.registry.createTypeUnsafe(type, [value]).toU8a());
  }

  call(name: string, data: Hex, view: StateView): Hex {
    const input = hexToU8a(data);
    const metadataBytes = hexToU8a(this.rt.metadataHex);
    switch (name) {
      case 'Core_version':
        return this.encodeAs('RuntimeVersion', this.rt.version);
      case 'Metadata_metadata':
        return u8aToHex(compactAddLength(metadataBytes));
      case 'Metadata_metadata_versions':
        return u8aToHex(u8aConcat(new Uint8Array([4]), u32(this.rt.metadata.version)));
      case 'Metadata_metadata_at_version': {
        const wanted = Number(u8aToBigInt(input.subarray(0, 4), { isLe: true }));
        return wanted === this.rt.metadata.version ? u8aToHex(u8aConcat(new Uint8Array([1]), compactAddLength(metadataBytes))) : '0x00';
      }
      case 'AccountNonceApi_account_nonce':
        return u8aToHex(u32(this.accounts.read(view, encodeAddress(input.subarray(0, 32), 42)).nonce));
      case 'TransactionPaymentApi_query_info': {
        const ext = decodeExtrinsic(this.rt, u8aToHex(input.subarray(0, input.length - 4)));
        const { weight, partialFee: fee } = estimate(ext);
        return this.encodeAs(this.outputType('TransactionPaymentApi', 'query_info') ?? '(SpWeightsWeightV2Weight, FrameSupportDispatchDispatchClass, u64)',
          this.outputType('TransactionPaymentApi', 'query_info') ? { weight, class: 'Normal', partialFee: fee } : [weight, 'Normal', fee]);
      }
      case 'TransactionPaymentApi_query_fee_details': {
        const ext = decodeExtrinsic(this.rt, u8aToHex(input.subarray(0, input.length - 4)));
        const parts = feeParts(estimate(ext).weight, ext.encodedLength);
        const tip = ext.isSigned ? ext.tip.toBigInt() : 0n;
        return u8aToHex(u8aConcat(new Uint8Array([1]), u64(parts.baseFee), u64(parts.lenFee), u64(parts.adjustedWeightFee), u64(tip)));
      }
      case 'TransactionPaymentApi_query_weight_to_fee': {
        const w = this.rt.registry.createType('SpWeightsWeightV2Weight' as never, input) as unknown as { refTime: { toBigInt(): bigint } };
        return u8aToHex(u64(feeParts({ refTime: w.refTime.toBigInt(), proofSize: 0n }, 0).adjustedWeightFee));
      }
      case 'TransactionPaymentApi_query_length_to_fee':
        return u8aToHex(u64(feeParts({ refTime: 0n, proofSize: 0n }, Number(u8aToBigInt(input.subarray(0, 4), { isLe: true }))).lenFee));
      case 'DelegateInfoRuntimeApi_get_delegate':
        if (this.outputType('DelegateInfoRuntimeApi', 'get_delegate')) return this.getDelegate(encodeAddress(input.subarray(0, 32), 42), view);
        if (this.era === 'legacy' && this.declaresApi('DelegateInfoRuntimeApi')) return this.getDelegateBytes(input, view);
        break;
      case 'BlockBuilder_apply_extrinsic':
        if (this.applyExtrinsic) return this.applyExtrinsic(data, view);
        break;
      case 'SwapRuntimeApi_current_alpha_price':
        if (this.outputType('SwapRuntimeApi', 'current_alpha_price')) {
          return u8aToHex(u64(this.alphaPrice(Number(u8aToBigInt(input.subarray(0, 2), { isLe: true })), view)));
        }
        break;
    }
    throw new RpcError(4003, `Client error: Execution failed: Other: Exported method ${name} is not found`);
  }

  /** Whether the runtime's `System.Version` lists an API (V14 metadata declares no signatures). */
  private declaresApi(name: string): boolean {
    const id = blake2AsHex(name, 64);
    return this.rt.version.apis.some(([apiId]) => apiId === id);
  }

  /**
   * Legacy runtimes export `get_delegate(Vec<u8>) -> Vec<u8>`: `DelegateInfo.encode()` (no Option tag) with one RAO
   * stake per nominator read from `Stake(hotkey, coldkey)`, or an empty vector for a hotkey that is not a delegate;
   * the call's return value is that Vec<u8> SCALE-encoded (spec 218's `runtime/src/lib.rs`).
   */
  private getDelegateBytes(input: Uint8Array, view: StateView): Hex {
    const [offset] = compactFromU8a(input);
    const hotkey = encodeAddress(input.subarray(offset, offset + 32), 42);
    if (view.get(this.codec.key('SubtensorModule', 'Delegates', [hotkey])) === null) return u8aToHex(compactAddLength(new Uint8Array()));
    const info = this.rt.registry.createTypeUnsafe(LEGACY_DELEGATE_INFO, [[
      hotkey,
      this.codec.read(view, 'SubtensorModule', 'Delegates', [hotkey]),
      this.ledger.legacyStakers(view, hotkey).filter((s) => s.stake > 0n).map((s) => [s.coldkey, s.stake]),
      this.codec.read(view, 'SubtensorModule', 'Owner', [hotkey]),
      [0], [0], 0, 0,
    ]]);
    return u8aToHex(compactAddLength(info.toU8a()));
  }

  /** TAO per alpha scaled by 10^9, as the runtime's U96F32 price is returned; root is 1:1. */
  private alphaPrice(netuid: number, view: StateView): bigint {
    if (netuid === 0) return 1_000_000_000n;
    const tao = BigInt(this.codec.read(view, 'SubtensorModule', 'SubnetTAO', [netuid])?.toString() ?? '0');
    const alphaIn = BigInt(this.codec.read(view, 'SubtensorModule', 'SubnetAlphaIn', [netuid])?.toString() ?? '0');
    return alphaIn === 0n ? 0n : (tao * 1_000_000_000n) / alphaIn;
  }

  private getDelegate(hotkey: string, view: StateView): Hex {
    const type = this.outputType('DelegateInfoRuntimeApi', 'get_delegate');
    if (!type) throw new RpcError(4003, 'Client error: Execution failed: Other: Exported method DelegateInfoRuntimeApi_get_delegate is not found');
    if (view.get(this.codec.key('SubtensorModule', 'Delegates', [hotkey])) === null) return '0x00';
    const shape = (this.rt.registry.createTypeUnsafe(type, []) as unknown as { unwrapOrDefault(): Struct }).unwrapOrDefault();
    const perSubnet = shape.get('nominators')!.toRawType().startsWith('Vec<(AccountId32,Vec<');
    const byColdkey = new Map<string, Array<[number, bigint]>>();
    if (this.era === 'dynamic') {
      for (const n of this.ledger.nominators(view, hotkey)) {
        const list = byColdkey.get(n.coldkey) ?? [];
        list.push([n.netuid, n.alpha]);
        byColdkey.set(n.coldkey, list);
      }
    } else {
      for (const s of this.ledger.legacyStakers(view, hotkey)) if (s.stake > 0n) byColdkey.set(s.coldkey, [[0, s.stake]]);
    }
    const netuids = [...new Set([...byColdkey.values()].flat().map(([netuid]) => netuid))].sort((a, b) => a - b);
    const nominators = [...byColdkey].map(([coldkey, list]) => perSubnet
      ? [coldkey, list]
      // Runtimes of early 2025 report one TAO-valued total per nominator.
      : [coldkey, list.reduce((sum, [netuid, alpha]) => sum + (netuid === 0 ? alpha : (alpha * this.alphaPrice(netuid, view)) / 1_000_000_000n), 0n)]);
    return this.encodeAs(type, {
      delegateSs58: hotkey,
      take: this.codec.read(view, 'SubtensorModule', 'Delegates', [hotkey]),
      nominators,
      ownerSs58: this.codec.read(view, 'SubtensorModule', 'Owner', [hotkey]),
      registrations: netuids,
      validatorPermits: netuids,
      returnPer1000: 0,
      totalDailyReturn: 0,
    });
  }
}
