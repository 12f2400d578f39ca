import type { ApiPromise } from '@polkadot/api';
import type { Metadata } from '@polkadot/types';
import { UserError } from '../util/errors.js';
import { extensionTypes, type ExtensionTypes } from './typeShape.js';

const NOTHING = '()';
const HASH = '([u8;32])';

/**
 * What @polkadot/api writes for each extension it fills itself, as shapes (see typeShape): ValTrac signs an extension
 * only when the runtime's metadata declares exactly this. subtensor's 2026 runtimes replace CheckNonce, CheckMortality
 * and ChargeTransactionPayment with their own code (`check_nonce::CheckNonce`, `ChargeTransactionPaymentWrapper`)
 * under the same identifiers; what matters is that their encoding is still the standard one, which this checks.
 */
const FILLED: Record<string, { extra: (shape: string) => boolean; implicit: string; what: string }> = {
  CheckNonZeroSender: { extra: (s) => s === NOTHING, implicit: NOTHING, what: 'nothing' },
  CheckWeight: { extra: (s) => s === NOTHING, implicit: NOTHING, what: 'nothing' },
  CheckSpecVersion: { extra: (s) => s === NOTHING, implicit: 'u32', what: 'the spec version' },
  CheckTxVersion: { extra: (s) => s === NOTHING, implicit: 'u32', what: 'the transaction version' },
  CheckGenesis: { extra: (s) => s === NOTHING, implicit: HASH, what: 'the genesis hash' },
  // The era: Immortal or one of 255 two-byte mortal forms, signed with its birth block's hash.
  CheckMortality: { extra: (s) => /^\(enum\{0:Immortal\|1:Mortal1\(u8\)\|.*\|255:Mortal255\(u8\)\}\)$/.test(s), implicit: HASH, what: 'a mortal era' },
  CheckNonce: { extra: (s) => s === '(Compact<u32>)' || s === '(Compact<u64>)', implicit: NOTHING, what: 'the nonce' },
  ChargeTransactionPayment: { extra: (s) => s === '(Compact<u64>)' || s === '(Compact<u128>)', implicit: NOTHING, what: 'a zero tip' },
  CheckMetadataHash: { extra: (s) => s === '{mode:enum{0:Disabled|1:Enabled}}', implicit: 'enum{0:None|1:Some([u8;32])}', what: 'mode Disabled, no hash' },
};

export interface ExtensionVerdict {
  identifier: string;
  /** How ValTrac fills it: what @polkadot/api writes, or nothing (an extension that carries no data). */
  filled: string | null;
  /** Why ValTrac cannot sign for it (null: it can). */
  refused: string | null;
}

/**
 * For each extension the runtime declares, how ValTrac signs for it, or why it cannot: a standard extension whose
 * encoding changed, or any other extension that carries data in the extrinsic or the signed payload (ValTrac does not
 * know what to put there, and a guess would make a signature the runtime rejects, or worse, one it accepts).
 */
export function judgeExtensions(declared: readonly ExtensionTypes[]): ExtensionVerdict[] {
  return declared.map(({ identifier, extra, implicit }) => {
    const known = FILLED[identifier];
    if (known) {
      const ok = known.extra(extra) && implicit === known.implicit;
      return {
        identifier,
        filled: ok ? known.what : null,
        refused: ok ? null : `${identifier} is encoded as ${extra} + signed ${implicit}, not the standard form ValTrac fills`,
      };
    }
    if (extra === NOTHING && implicit === NOTHING) return { identifier, filled: 'nothing (carries no data)', refused: null };
    return { identifier, filled: null, refused: `${identifier} carries data (${extra} in the extrinsic, ${implicit} signed) that ValTrac does not know how to fill` };
  });
}

/** The extensions of `metadata` as @polkadot/api's `signedExtensions` option wants the data-less ones declared. */
export function datalessExtensions(metadata: Metadata): Record<string, { extrinsic: Record<string, never>; payload: Record<string, never> }> {
  return Object.fromEntries(
    judgeExtensions(extensionTypes(metadata))
      .filter((v) => v.refused === null && !FILLED[v.identifier])
      .map((v) => [v.identifier, { extrinsic: {}, payload: {} }]),
  );
}

/** Refuses, before anything is signed, a runtime with an extension ValTrac cannot fill; names each one. */
export function requireSignableExtensions(api: ApiPromise): void {
  const refused = judgeExtensions(extensionTypes(api.runtimeMetadata)).filter((v) => v.refused !== null);
  if (refused.length === 0) return;
  throw new UserError(
    `spec ${api.runtimeVersion.specVersion.toString()}: ValTrac cannot sign for this runtime's transaction extensions: ` +
      `${refused.map((v) => v.refused).join('; ')}. Nothing was signed: update ValTrac for this runtime.`,
  );
}
