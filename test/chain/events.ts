import type { Codec } from '@polkadot/types/types';
import type { Si1Variant } from '@polkadot/types/interfaces';
import { compactToU8a, u8aConcat, u8aToHex } from '@polkadot/util';
import type { LoadedRuntime } from './metadataFiles.js';
import type { Hex } from './storage.js';

/** A dispatch failure, named as in the metadata (module errors by pallet and error name). */
export type DispatchErr =
  | { Module: [pallet: string, error: string] }
  | { Token: string }
  | { Arithmetic: string }
  | 'BadOrigin' | 'CannotLookup' | 'Other';

export type Phase = { ApplyExtrinsic: number } | 'Finalization' | 'Initialization';

export class DispatchFailure extends Error {
  constructor(readonly error: DispatchErr) {
    super(`dispatch failed: ${JSON.stringify(error)}`);
  }
}

/** Encodes events and dispatch errors with the runtime's own types, looked up by name. */
export class EventCodec {
  constructor(private readonly rt: LoadedRuntime) {}

  private pallet(name: string) {
    const pallet = this.rt.metadata.asLatest.pallets.find((p) => p.name.toString() === name);
    if (!pallet) throw new Error(`test chain: pallet ${name} is not in the ${this.rt.name} metadata`);
    return pallet;
  }

  private variant(typeId: number, name: string, what: string): Si1Variant {
    const def = this.rt.registry.lookup.getSiType(typeId).def;
    const variant = def.asVariant.variants.find((v) => v.name.toString() === name);
    if (!variant) throw new Error(`test chain: ${what} ${name} is not in the ${this.rt.name} metadata`);
    return variant;
  }

  /** A RuntimeEvent's SCALE: pallet index, variant index, then each field by position. */
  event(palletName: string, name: string, values: unknown[]): Uint8Array {
    const pallet = this.pallet(palletName);
    const variant = this.variant(pallet.events.unwrap().type.toNumber(), name, `event ${palletName}.`);
    if (variant.fields.length !== values.length) {
      throw new Error(`test chain: ${palletName}.${name} has ${variant.fields.length} fields, got ${values.length}`);
    }
    const fields = variant.fields.map((f, i) => this.rt.registry.createTypeUnsafe(this.rt.registry.createLookupType(f.type), [values[i]]).toU8a());
    return u8aConcat(new Uint8Array([pallet.index.toNumber(), variant.index.toNumber()]), ...fields);
  }

  /** How many fields an event has in this runtime (0 when it has no such event). */
  fields(palletName: string, name: string): number {
    const pallet = this.pallet(palletName);
    const variant = this.rt.registry.lookup.getSiType(pallet.events.unwrap().type.toNumber()).def.asVariant.variants.find((v) => v.name.toString() === name);
    return variant?.fields.length ?? 0;
  }

  record(phase: Phase, event: Uint8Array): Uint8Array {
    const phaseU8a = this.rt.registry.createTypeUnsafe('FrameSystemPhase', [phase]).toU8a();
    return u8aConcat(phaseU8a, event, compactToU8a(0));
  }

  /** `System.Events` as stored: a SCALE Vec of EventRecord. */
  encodeRecords(records: Uint8Array[]): Hex {
    return u8aToHex(u8aConcat(compactToU8a(records.length), ...records));
  }

  private dispatchErrorType(): string {
    const failed = this.variant(this.pallet('System').events.unwrap().type.toNumber(), 'ExtrinsicFailed', 'event System.');
    return this.rt.registry.createLookupType(failed.fields[0].type);
  }

  /** The value to hand to the DispatchError type (Module errors resolved to their indices). */
  private dispatchErrorValue(err: DispatchErr): unknown {
    if (typeof err === 'object' && 'Module' in err) {
      const [palletName, errorName] = err.Module;
      const pallet = this.pallet(palletName);
      const variant = this.variant(pallet.errors.unwrap().type.toNumber(), errorName, `error ${palletName}.`);
      return { Module: { index: pallet.index.toNumber(), error: u8aToHex(new Uint8Array([variant.index.toNumber(), 0, 0, 0])) } };
    }
    return err;
  }

  dispatchError(err: DispatchErr): Codec {
    return this.rt.registry.createTypeUnsafe(this.dispatchErrorType(), [this.dispatchErrorValue(err)]);
  }
}
