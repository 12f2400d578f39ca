import type { ApiPromise } from '@polkadot/api';
import { finalizedHead } from '../../chain/blocks.js';
import { findInBlocks, submitAndFollow, type Inclusion } from '../../chain/submit.js';
import { nonceAt } from '../../chain/transfer.js';
import { UserError } from '../../util/errors.js';
import type { RecordedExtrinsic, SendLog } from '../../workbook/sendLog.js';
import type { WorkbookStore } from '../../workbook/store.js';
import { markExpired, settle } from './send.js';
import { out } from '../../util/output.js';

const POLL_MS = 1_000;

/**
 * Before anything is sent: every batch recorded as sending is found in a finalized block (paid or failed, and checked
 * against that block's events), or proven never to land (its mortal era ended, or its nonce was used by another
 * transaction), or resubmitted as the same signed bytes and followed. Nothing new is sent while a batch is undecided.
 */
export async function reconcile(api: ApiPromise, store: WorkbookStore, log: SendLog): Promise<void> {
  for (const entry of log.open()) {
    out.line(`Reconciling batch ${entry.batch} of plan ${entry.planId} (${entry.extrinsicHash}) with the chain...`);
    await decide(api, entry, {
      found: (inclusion) => settle({ api, store, log }, entry, inclusion),
      expired: (why) => markExpired(store, log, entry, why),
    });
  }
}

/**
 * Follows one recorded extrinsic until the chain decides it: `found` with its finalized inclusion, or `expired` with why
 * it can never be included. Shared by confirm's payout batches and fund's funding batch.
 */
export async function decide(
  api: ApiPromise,
  entry: RecordedExtrinsic,
  on: { found: (inclusion: Inclusion) => Promise<void>; expired: (why: string) => Promise<void> },
): Promise<void> {
  const signer = entry.signer ?? api.createType('Extrinsic', entry.hex).signer.toString();
  const lastValid = entry.eraBirth + entry.eraPeriod;
  let searched = entry.eraBirth - 1;
  let resubmitted = false;
  for (;;) {
    const head = await finalizedHead(api);
    const found = await findInBlocks(api, entry.extrinsicHash, searched + 1, Math.min(head.number, lastValid));
    if (found) return on.found(found);
    searched = Math.min(head.number, lastValid);
    if (head.number > lastValid) return on.expired(`its era ended at block ${lastValid}`);
    if ((await nonceAt(api, signer, head.hash)) > entry.nonce) return on.expired(`nonce ${entry.nonce} was used by another transaction`);
    if (!resubmitted) {
      resubmitted = true;
      try {
        return await on.found(await submitAndFollow(api, entry.hex));
      } catch (error) {
        if (error instanceof UserError) throw error;
        // already in the pool, or being included: keep watching finalized blocks
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
