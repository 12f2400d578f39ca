import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { finalizedHead } from '../../chain/blocks.js';
import { NodeLostError, submitAndFollow, type Inclusion } from '../../chain/submit.js';
import { nextNonce, signBatch } from '../../chain/transfer.js';
import type { Unstake } from '../../domain/funding.js';
import { formatTao } from '../../domain/tao.js';
import type { Rao } from '../../domain/types.js';
import { crashPoint } from '../../util/crashPoint.js';
import { UserError } from '../../util/errors.js';
import { recordedExtrinsic, type FundingEntry, type SendLog } from '../../workbook/sendLog.js';
import { decide } from '../confirm/reconcile.js';
import { fundCalls, fundOutcome, outcomeLines, type FundMove } from './moves.js';
import { out } from '../../util/output.js';

/** The text of the remark that marks a plan's funding batch (confirm's batches are `valtrac:<plan>:<n>`). */
export function fundRemark(planId: string): string {
  return `valtrac:${planId}:fund`;
}

export interface FundBatch {
  api: ApiPromise;
  log: SendLog;
  pair: KeyringPair;
  planId: string;
  hotkey: string;
  /** The payout coldkey, or null when the owner coldkey is the payout coldkey (no transfer). */
  payout: string | null;
  moves: FundMove[];
  transfer: Rao;
  /** The fee estimate, to print beside the fee charged. */
  fee: Rao;
}

/**
 * Signs the batch with the owner's next nonce and a mortal era, records it in the send log before it can reach the
 * chain (so a crash or a lost connection is settled by the next run, never sent again), submits it and settles it
 * from its block's events.
 */
export async function sendFunding(batch: FundBatch): Promise<void> {
  const { api, log, pair, planId } = batch;
  const birth = await finalizedHead(api);
  const signed = await signBatch(api, pair, batch.moves, await nextNonce(api, pair.address), birth, fundCalls(batch.hotkey), fundRemark(planId));
  const entry: FundingEntry = {
    type: 'funding',
    planId,
    ...recordedExtrinsic(signed, pair.address),
    remark: fundRemark(planId),
    to: batch.payout,
    transfer: batch.transfer.toString(),
    hotkey: batch.hotkey,
    unstakes: unstakesOf(batch.moves).map((u) => ({ netuid: u.netuid, alpha: u.alpha.toString(), expected: u.expected.toString(), guaranteed: u.guaranteed.toString(), limitPrice: u.limitPrice.toString() })),
    at: new Date().toISOString(),
  };
  log.append(entry);
  crashPoint('before-send');
  out.line(`Funding batch: sending ${entry.extrinsicHash} (nonce ${entry.nonce}, valid through block ${entry.eraBirth + entry.eraPeriod})...`);
  let inclusion: Inclusion;
  try {
    inclusion = await submitAndFollow(api, entry.hex, { onSubmitted: () => crashPoint('after-send') });
  } catch (error) {
    const why = error instanceof NodeLostError ? 'lost the connection to the node before seeing it finalized' : `the node did not take it (${(error as Error).message})`;
    throw new UserError(
      `${why}. The funding batch stays recorded as sent in ${log.path}: run valtrac fund again, and it will find it in a ` +
        `block or prove it expired (after block ${entry.eraBirth + entry.eraPeriod}) before sending anything else`,
    );
  }
  settleFunding(api, log, entry, inclusion, batch.fee);
}

/** Funding batches recorded as sent and not yet settled are found on chain (or proven never to land) first. */
export async function reconcileFunding(api: ApiPromise, log: SendLog): Promise<void> {
  for (const entry of log.openFunding()) {
    out.line(`Reconciling the funding batch of plan ${entry.planId} (${entry.extrinsicHash}) with the chain...`);
    await decide(api, entry, {
      found: async (inclusion) => settleFunding(api, log, entry, inclusion, null),
      expired: async (why) => {
        log.append({ type: 'funded', planId: entry.planId, extrinsicHash: entry.extrinsicHash, outcome: 'expired', blockNumber: null, blockHash: null, error: why, received: [], transferred: '0', fee: null, at: new Date().toISOString() });
        out.line(`The funding batch of plan ${entry.planId} was never included (${why}): nothing moved, and fund works out what is missing again.`);
      },
    });
  }
}

/**
 * Writes the chain's verdict from the block's own events: each unstake's TAO received (SubtensorModule.StakeRemoved)
 * and the TAO that reached the payout coldkey (Balances.Transfer), each short one said. A failed batch moved nothing
 * (batch_all is all or none).
 */
function settleFunding(api: ApiPromise, log: SendLog, entry: FundingEntry, inclusion: Inclusion, estimate: Rao | null): void {
  const outcome = inclusion.error === null ? fundOutcome(api, inclusion.events, entry.signer, entry.hotkey, entry.to) : { received: [], transferred: 0n };
  log.append({
    type: 'funded',
    planId: entry.planId,
    extrinsicHash: entry.extrinsicHash,
    outcome: inclusion.error === null ? 'funded' : 'failed',
    blockNumber: inclusion.blockNumber,
    blockHash: inclusion.blockHash,
    error: inclusion.error,
    received: outcome.received.map((r) => ({ netuid: r.netuid, alpha: r.alpha.toString(), tao: r.tao.toString() })),
    transferred: outcome.transferred.toString(),
    fee: inclusion.fee === null ? null : inclusion.fee.toString(),
    at: new Date().toISOString(),
  });
  const fee = inclusion.fee === null ? 'fee not reported' : `fee ${formatTao(inclusion.fee)} TAO${estimate === null ? '' : ` (estimated ${formatTao(estimate)})`}`;
  if (inclusion.error !== null) {
    throw new UserError(
      `the funding batch failed on chain in block ${inclusion.blockNumber} (${inclusion.error}); ${fee}. Nothing was unstaked or ` +
        'transferred (batch_all is all or none). Fix the cause and run valtrac fund again.',
    );
  }
  const unstakes = entry.unstakes.map((u) => ({ netuid: u.netuid, alpha: BigInt(u.alpha), expected: BigInt(u.expected), guaranteed: BigInt(u.guaranteed), limitPrice: BigInt(u.limitPrice) }));
  out.line(`Funding batch: included in block ${inclusion.blockNumber} (${inclusion.blockHash}); ${fee}.`);
  const { lines, total } = outcomeLines(unstakes, outcome);
  for (const line of lines) out.line(line);
  out.line(`  the owner coldkey received ${formatTao(total)} TAO from the take`);
  if (entry.to === null) return;
  const planned = BigInt(entry.transfer);
  const short = outcome.transferred < planned ? `  SHORT by ${formatTao(planned - outcome.transferred)} TAO: run valtrac fund --dry-run to see what is still missing` : '';
  out.line(`  the payout coldkey ${entry.to} received ${formatTao(outcome.transferred)} TAO of ${formatTao(planned)} TAO${short}`);
}

export function unstakesOf(moves: readonly FundMove[]): Unstake[] {
  return moves.flatMap((m) => (m.kind === 'unstake' ? [m.unstake] : []));
}
