import type { ApiPromise } from '@polkadot/api';
import { finalizedHead } from '../../chain/blocks.js';
import { findInBlocks, submitAndFollow } from '../../chain/submit.js';
import { nonceAt } from '../../chain/transfer.js';
import { UserError } from '../../util/errors.js';
import type { SendLog } from '../../workbook/sendLog.js';
import type { WorkbookStore } from '../../workbook/store.js';
import { markExpired, settle } from './send.js';

const POLL_MS = 1_000;

/**
 * Before anything is sent: every batch recorded as sending is found in a finalized block (paid or failed, and checked
 * against that block's events), or proven never to land (its mortal era ended, or its nonce was used by another
 * transaction), or resubmitted as the same signed bytes and followed. Nothing new is sent while a batch is undecided.
 */
export async function reconcile(api: ApiPromise, store: WorkbookStore, log: SendLog): Promise<void> {
  for (const entry of log.open()) {
    const signer = entry.signer ?? api.createType('Extrinsic', entry.hex).signer.toString();
    const lastValid = entry.eraBirth + entry.eraPeriod;
    console.log(`Reconciling batch ${entry.batch} of plan ${entry.planId} (${entry.extrinsicHash}) with the chain...`);
    let searched = entry.eraBirth - 1;
    let resubmitted = false;
    for (;;) {
      const head = await finalizedHead(api);
      const found = await findInBlocks(api, entry.extrinsicHash, searched + 1, Math.min(head.number, lastValid));
      if (found) {
        await settle({ api, store, log }, entry, found);
        break;
      }
      searched = Math.min(head.number, lastValid);
      if (head.number > lastValid) {
        await markExpired(store, log, entry, `its era ended at block ${lastValid}`);
        break;
      }
      if ((await nonceAt(api, signer, head.hash)) > entry.nonce) {
        await markExpired(store, log, entry, `nonce ${entry.nonce} was used by another transaction`);
        break;
      }
      if (!resubmitted) {
        resubmitted = true;
        try {
          await settle({ api, store, log }, entry, await submitAndFollow(api, entry.hex));
          break;
        } catch (error) {
          if (error instanceof UserError) throw error;
          // already in the pool, or being included: keep watching finalized blocks
        }
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
