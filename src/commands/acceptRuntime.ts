import type { ApiPromise } from '@polkadot/api';
import type { Argv } from 'yargs';
import { ACCEPT_RUNTIME_OPTION, requireKnownRuntime } from '../chain/runtimeGuard.js';
import type { Settings } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import type { WorkbookStore } from '../workbook/store.js';
import { out } from '../util/output.js';

export interface AcceptRuntimeArgs {
  'accept-runtime'?: number;
}

/** `--accept-runtime SPEC` on a command that refuses a runtime ValTrac was not verified on. */
export function acceptRuntimeOption<T>(yargs: Argv<T>): Argv<T & AcceptRuntimeArgs> {
  return yargs.option(ACCEPT_RUNTIME_OPTION, {
    type: 'number',
    describe: 'Accept this runtime spec although it differs from what ValTrac was verified on (valtrac doctor lists how); recorded in Settings',
  });
}

/**
 * The known-runtime guard of a command that plans or moves money: with `--accept-runtime SPEC` (the node's own spec,
 * nothing else) the owner's acceptance is recorded in Settings "Accepted runtime spec" first; then a runtime that
 * differs and is not accepted is refused. For `plan`, `confirm` and `fund`.
 */
export async function guardRuntime(api: ApiPromise, store: WorkbookStore, settings: Settings, accept: number | undefined, command: string): Promise<void> {
  const spec = api.runtimeVersion.specVersion.toNumber();
  if (accept !== undefined) {
    if (accept !== spec) {
      throw new UserError(`--${ACCEPT_RUNTIME_OPTION} ${accept}: the node runs spec ${spec}; accept only the runtime you checked. Nothing was done.`);
    }
    if (settings.acceptedRuntime !== spec) {
      await store.apply({ kind: 'setSettings', settings: { acceptedRuntime: spec } });
      out.line(`Accepted runtime spec ${spec}: recorded in Settings "Accepted runtime spec".`);
    }
  }
  requireKnownRuntime(api, { acceptedRuntime: accept ?? settings.acceptedRuntime }, command);
}
