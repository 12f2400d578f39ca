import type { PayoutRow } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { archivePaidPeriods, listArchives } from '../workbook/archive.js';
import type { SendLog } from '../workbook/sendLog.js';
import type { WorkbookData, WorkbookStore } from '../workbook/store.js';
import { out } from '../util/output.js';

/**
 * Rows the send log knows were paid but Payouts shows unpaid (an older copy of the workbook was saved over confirm's
 * writes): they are marked paid again from the log, so nothing can send them a second time.
 */
export async function restorePaidRows(store: WorkbookStore, log: SendLog, payouts: readonly PayoutRow[]): Promise<boolean> {
  let restored = false;
  for (const batch of log.paidBatches()) {
    const stale = batch.users.filter((user) => payouts.some((r) => r.planId === batch.planId && r.user === user && r.status !== 'paid'));
    if (stale.length === 0) continue;
    await store.apply({
      kind: 'updatePayouts',
      planId: batch.planId,
      updates: stale.map((user) => ({
        user,
        status: 'paid' as const,
        batch: batch.batch,
        extrinsicHash: batch.extrinsicHash,
        blockNumber: batch.blockNumber,
        blockHash: batch.blockHash,
        note: `restored from ${log.path}: paid in batch ${batch.batch}`,
      })),
    });
    out.line(`Payouts: ${stale.join(', ')} of plan ${batch.planId} marked paid again from the send log (batch ${batch.batch}, ` +
      `${batch.extrinsicHash}); an older copy of the workbook had lost it.`);
    restored = true;
  }
  return restored;
}

/**
 * A paid batch of a plan that is neither in Payouts nor archived means the workbook lost a paid plan (an older copy
 * saved over it, or a backup restored from before the payment): planning now would pay that period again.
 */
export async function refuseLostPayments(workbookPath: string, log: SendLog, payouts: readonly PayoutRow[]): Promise<void> {
  const known = new Set([...payouts.map((p) => p.planId), ...(await listArchives(workbookPath)).map((a) => a.planId)]);
  const lost = log.paidBatches().filter((b) => !known.has(b.planId));
  if (lost.length === 0) return;
  const plans = new Set(lost.map((b) => b.planId));
  const newest = lost.at(-1)!;
  throw new UserError(
    `the send log ${log.path} shows ${plans.size} paid plan(s) that neither Payouts nor workbook/archive/ holds; the newest: ` +
      `plan ${newest.planId} paid in batch ${newest.batch} (${newest.extrinsicHash}, block ${newest.blockNumber ?? '?'}). ` +
      'Restore the workbook and its archive folder from a backup written after that payment (workbook/.backup/ keeps every ' +
      'write of the last hour, one an hour for two days and one a day for a month), or run valtrac reconcile to find ' +
      'the payments on chain, then run plan again. Nothing was written.',
  );
}

/**
 * Before a new plan is worked out: refuse if a whole paid plan is gone (before anything is written), finish
 * archiving, and put back paid rows an older copy lost. Returns the workbook as it now stands.
 */
export async function recoverPayouts(store: WorkbookStore, log: SendLog, data: WorkbookData): Promise<WorkbookData> {
  await refuseLostPayments(store.path, log, data.payouts);
  // A crash between confirm's archive file and its workbook write is finished here, before the period is chosen.
  const archived = await archivePaidPeriods(store, data);
  if (archived.restored) out.line(`Payouts: restored the rows of paid plan ${archived.restored} from its archive (an older copy had dropped them).`);
  let now = archived.outcome === 'unchanged' ? data : await store.read();
  if (await restorePaidRows(store, log, now.payouts)) now = await store.read();
  return now;
}
