import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { finalizedHead } from '../../chain/blocks.js';
import { dryRun, type DryRunOutcome } from '../../chain/dryRun.js';
import { canBatch, nextNonce, planRemark, signBatch, stakeCalls, type BatchPlan, type PaymentCalls, type StakeTransfer, type Transfer } from '../../chain/transfer.js';
import type { Rao } from '../../domain/types.js';

export interface Verdict {
  batch: number;
  outcome: DryRunOutcome;
}

export interface DryRunner {
  /** Signs the calls as the real extrinsic would be (same key, the next nonce) and runs them in the finalized state. */
  run<T extends Transfer>(transfers: readonly T[], calls: PaymentCalls<T>, remark: string | null): Promise<DryRunOutcome>;
}

/**
 * The runtime's own dry run, in the state of the finalized head. The era is born one block before it: that block's
 * hash is in the state's block-hash map, which the runtime's mortality check reads (the head's own is not yet).
 */
export async function dryRunner(api: ApiPromise, pair: KeyringPair): Promise<DryRunner> {
  const head = await finalizedHead(api);
  const birthNumber = Math.max(0, head.number - 1);
  const birth = { number: birthNumber, hash: (await api.rpc.chain.getBlockHash(birthNumber)).toHex() };
  const nonce = await nextNonce(api, pair.address);
  return {
    async run(transfers, calls, remark) {
      const signed = await signBatch(api, pair, transfers, nonce, birth, calls, remark);
      return dryRun(api, signed.hex, head.hash);
    },
  };
}

/**
 * Every planned extrinsic through the runtime before anything is sent: what would fail on chain (a transfer below the
 * existential deposit, a stake move below the minimum, funds or stake missing) fails here, for free. Without Utility
 * the extrinsics are tried one by one from the current nonce (each on its own; the balance check covers them together).
 */
export async function preflight<T extends Transfer>(
  api: ApiPromise,
  pair: KeyringPair,
  batches: readonly BatchPlan<T>[],
  calls: PaymentCalls<T>,
  planId: string,
  firstBatch: number,
): Promise<Verdict[]> {
  const runner = await dryRunner(api, pair);
  const verdicts: Verdict[] = [];
  for (const [i, plan] of batches.entries()) {
    const remark = canBatch(api) || plan.transfers.length === 0 ? planRemark(planId, firstBatch + i) : null;
    verdicts.push({ batch: firstBatch + i, outcome: await runner.run(plan.transfers, calls, remark) });
  }
  return verdicts;
}

/**
 * The runtime's minimum stake move, found by asking it: runtimes before 2026 do not publish it. Every stake part is
 * tried alone (smallest TAO value first, by bisection) until the smallest one the runtime accepts is found; that
 * part's value is the minimum to plan with. Null when the parts fail for another reason than `AmountTooLow`, or all
 * pass.
 */
export async function probeMinimumStake(api: ApiPromise, pair: KeyringPair, hotkey: string, transfers: readonly StakeTransfer[]): Promise<Rao | null> {
  const runner = await dryRunner(api, pair);
  const parts = transfers
    .flatMap((t) => t.parts.map((part) => ({ t, part })))
    .sort((a, b) => (a.part.tao < b.part.tao ? -1 : a.part.tao > b.part.tao ? 1 : 0));
  if (parts.length === 0) return null;
  const calls = stakeCalls(hotkey);
  const passes = async (i: number): Promise<boolean | null> => {
    const { t, part } = parts[i]!;
    const outcome = await runner.run([{ ...t, parts: [part], tao: 0n }], calls, null);
    if (outcome.ok) return true;
    return outcome.module === 'AmountTooLow' ? false : null;
  };
  const top = await passes(parts.length - 1);
  if (top === null) return null;
  if (top === false) return parts.at(-1)!.part.tao + 1n;
  if ((await passes(0)) === true) return null;
  let low = 0;
  let high = parts.length - 1;
  while (high - low > 1) {
    const middle = (low + high) >>> 1;
    const verdict = await passes(middle);
    if (verdict === null) return null;
    if (verdict) high = middle;
    else low = middle;
  }
  return parts[high]!.part.tao;
}
