import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { finalizedHead } from '../../chain/blocks.js';
import { startChopsticks } from '../../chain/chopsticks.js';
import { connect } from '../../chain/connect.js';
import { deliveries } from '../../chain/delivery.js';
import { submitAndFollow } from '../../chain/submit.js';
import { accountStates, canBatch, nextNonce, planRemark, signBatch, type BatchPlan, type PaymentCalls, type Transfer } from '../../chain/transfer.js';
import { formatTao } from '../../domain/tao.js';
import { expectedOf } from './send.js';
import { out } from '../../util/output.js';

/**
 * Sends the exact signed extrinsics confirm would send (same key, nonces, era) to a chopsticks fork of the configured
 * node at its finalized head, and prints what the runtime did with them: each payment delivered against planned, the
 * fee charged against the estimate, failures. The fork is thrown away; nothing reaches the real node, nothing is
 * written to the send log or the workbook.
 */
export async function rehearse<T extends Transfer>(
  api: ApiPromise,
  nodeUrl: string,
  pair: KeyringPair,
  batches: readonly BatchPlan<T>[],
  calls: PaymentCalls<T>,
  planId: string,
  firstBatch: number,
  hotkey: string | null,
): Promise<boolean> {
  const head = await finalizedHead(api);
  const nonce = await nextNonce(api, pair.address);
  const signed = await Promise.all(
    batches.map((plan, i) => {
      const remark = canBatch(api) || plan.transfers.length === 0 ? planRemark(planId, firstBatch + i) : null;
      return signBatch(api, pair, plan.transfers, nonce + i, head, calls, remark);
    }),
  );
  out.line(`Rehearsal: forking ${nodeUrl} at block ${head.number} (${head.hash}) with chopsticks...`);
  // subtensor runtimes import host functions chopsticks does not provide (BLS, ...); they are never called here.
  const fork = await startChopsticks({ endpoint: nodeUrl, block: head.hash, 'allow-unresolved-imports': true });
  const forkApi = await connect(fork.url, { argument: 'the rehearsal fork', log: () => undefined });
  let clean = true;
  try {
    const before = (await accountStates(forkApi, [pair.address]))[0]!.free;
    for (const [i, plan] of batches.entries()) {
      const inclusion = await submitAndFollow(forkApi, signed[i]!.hex);
      const label = `Rehearsal batch ${firstBatch + i} (${plan.transfers.length} payments)`;
      const fee = inclusion.fee === null ? 'fee not reported' : `fee ${formatTao(inclusion.fee)} TAO (estimated ${formatTao(plan.fee)})`;
      if (inclusion.error) {
        clean = false;
        out.line(`${label}: would FAIL in block ${inclusion.blockNumber}: ${inclusion.error}; ${fee}. Nobody in it would be paid.`);
        continue;
      }
      out.line(`${label}: would be included in block ${inclusion.blockNumber}; ${fee}.`);
      const found = deliveries(forkApi, inclusion.events, pair.address, hotkey, plan.transfers.map(expectedOf));
      for (const d of found) {
        const planned = plan.transfers.find((t) => t.user === d.user)!.amount;
        const short = d.delivered < planned;
        if (short) clean = false;
        const alpha = d.parts.map((p) => `subnet ${p.netuid}: ${formatTao(p.received)} α of ${formatTao(p.sent)} α`).join(', ');
        out.line(`  ${d.user}: ${formatTao(d.delivered)} TAO delivered of ${formatTao(planned)} planned${alpha ? ` (${alpha})` : ''}${short ? '  SHORT' : ''}`);
      }
    }
    const after = (await accountStates(forkApi, [pair.address]))[0]!.free;
    out.line(`Rehearsal: the payout coldkey's free balance would go from ${formatTao(before)} to ${formatTao(after)} TAO.`);
  } finally {
    await forkApi.disconnect();
    await fork.stop();
  }
  out.line(clean ? 'Rehearsal: every payment would arrive in full. Nothing was sent to the real node.' : 'Rehearsal: NOT every payment would arrive as planned (see above). Nothing was sent to the real node.');
  return clean;
}
