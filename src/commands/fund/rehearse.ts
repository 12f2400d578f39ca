import { finalizedHead } from '../../chain/blocks.js';
import { startChopsticks } from '../../chain/chopsticks.js';
import { connect } from '../../chain/connect.js';
import { submitAndFollow } from '../../chain/submit.js';
import { accountStates, nextNonce, signBatch } from '../../chain/transfer.js';
import { formatTao } from '../../domain/tao.js';
import { fundCalls, fundOutcome, outcomeLines } from './moves.js';
import { fundRemark, unstakesOf, type FundBatch } from './send.js';
import { out } from '../../util/output.js';

/**
 * Sends the exact signed funding batch to a chopsticks fork of the node at its finalized head (as confirm --rehearse
 * does with payouts) and prints what the runtime did: TAO received per unstake, the transfer, the fee against the
 * estimate. The fork is thrown away: nothing reaches the real node, nothing is written to the send log.
 */
export async function rehearseFunding(batch: Omit<FundBatch, 'log'>, nodeUrl: string): Promise<void> {
  const { api, pair } = batch;
  const head = await finalizedHead(api);
  const signed = await signBatch(api, pair, batch.moves, await nextNonce(api, pair.address), head, fundCalls(batch.hotkey), fundRemark(batch.planId));
  out.line(`Rehearsal: forking ${nodeUrl} at block ${head.number} (${head.hash}) with chopsticks...`);
  const fork = await startChopsticks({ endpoint: nodeUrl, block: head.hash, 'allow-unresolved-imports': true });
  const forkApi = await connect(fork.url, { argument: 'the rehearsal fork', log: () => undefined });
  try {
    const receiver = batch.payout ?? pair.address;
    const before = (await accountStates(forkApi, [receiver]))[0]!.free;
    const inclusion = await submitAndFollow(forkApi, signed.hex);
    const fee = inclusion.fee === null ? 'fee not reported' : `fee ${formatTao(inclusion.fee)} TAO (estimated ${formatTao(batch.fee)})`;
    if (inclusion.error) {
      out.line(`Rehearsal: the funding batch would FAIL in block ${inclusion.blockNumber}: ${inclusion.error}; ${fee}. Nothing would move.`);
      return;
    }
    out.line(`Rehearsal: the funding batch would be included in block ${inclusion.blockNumber}; ${fee}.`);
    const outcome = fundOutcome(forkApi, inclusion.events, pair.address, batch.hotkey, batch.payout);
    for (const line of outcomeLines(unstakesOf(batch.moves), outcome).lines) out.line(line);
    const after = (await accountStates(forkApi, [receiver]))[0]!.free;
    out.line(`Rehearsal: the payout coldkey's free balance would go from ${formatTao(before)} to ${formatTao(after)} TAO. Nothing was sent to the real node.`);
  } finally {
    await forkApi.disconnect();
    await fork.stop();
  }
}
