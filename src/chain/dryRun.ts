import type { ApiPromise } from '@polkadot/api';
import type { DispatchError } from '@polkadot/types/interfaces';
import { describeDispatchError } from './submit.js';

export type DryRunOutcome =
  | { ok: true }
  /** `invalid`: the node would refuse it outright (nonce, era, fees...); else it would be included and fail. */
  | { ok: false; invalid: boolean; error: string; module: string | null };

interface ApplyResult {
  isOk: boolean;
  asOk: { isOk: boolean; asErr: DispatchError };
  asErr: { toString(): string; type?: string };
}

/**
 * Runs signed bytes through the runtime's own `BlockBuilder_apply_extrinsic` in the state of block `at`, the dry run
 * every Substrate node answers (`state_call` only reads: nothing is included, no nonce or fee is spent). The era's
 * birth block must be in that state's block-hash map, so sign for a dry run with a birth before `at`.
 */
export async function dryRun(api: ApiPromise, hex: string, at: string): Promise<DryRunOutcome> {
  const raw = await api.rpc.state.call('BlockBuilder_apply_extrinsic', hex, at);
  const result = api.registry.createType('ApplyExtrinsicResult', raw.toU8a(true)) as unknown as ApplyResult;
  if (!result.isOk) return { ok: false, invalid: true, error: `the node would refuse it: ${describeValidity(result.asErr)}`, module: null };
  if (result.asOk.isOk) return { ok: true };
  const error = result.asOk.asErr;
  const module = error.isModule ? api.registry.findMetaError(error.asModule).name : null;
  return { ok: false, invalid: false, error: describeDispatchError(api, error), module };
}

function describeValidity(error: { toString(): string }): string {
  return error.toString().replace(/[{}"]/g, '').replace(/:null/g, '');
}
