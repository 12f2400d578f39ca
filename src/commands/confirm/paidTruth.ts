import type { ApiPromise } from '@polkadot/api';
import { finalizedHead } from '../../chain/blocks.js';
import { nonceAt } from '../../chain/transfer.js';
import { UserError } from '../../util/errors.js';
import { listArchives } from '../../workbook/archive.js';
import type { SendLog } from '../../workbook/sendLog.js';
import { paidKey, type CheckedPlan } from '../planCheck.js';

/**
 * The nonce the payout coldkey would have on chain if the send log knew every transaction it ever sent: one past
 * the highest nonce of its batches, or what `valtrac reconcile` recorded for transactions that were not ValTrac's.
 */
export function knownNextNonce(api: ApiPromise, log: SendLog, signer: string): number {
  let next = 0;
  for (const e of log.entries()) {
    if (e.type === 'foreign' && e.signer === signer) next = Math.max(next, e.nextNonce);
    if (e.type === 'sending' && (e.signer ?? api.createType('Extrinsic', e.hex).signer.toString()) === signer) next = Math.max(next, e.nonce + 1);
    // `fund` signs with the owner coldkey, which may be the payout coldkey too.
    if (e.type === 'funding' && e.signer === signer) next = Math.max(next, e.nonce + 1);
  }
  return next;
}

/**
 * The chain's word before anything is sent: the payout coldkey's nonce in the finalized state counts every
 * transaction it ever sent. More than the send log knows means someone or something else sent from this key, or the
 * log is not the one ValTrac wrote (lost, or restored from an older copy) and a payment may already have been made.
 */
export async function refuseUnknownNonce(api: ApiPromise, log: SendLog, signer: string): Promise<void> {
  const head = await finalizedHead(api);
  const onChain = await nonceAt(api, signer, head.hash);
  const known = knownNextNonce(api, log, signer);
  if (onChain <= known) return;
  throw new UserError(
    `the payout coldkey ${signer} has sent ${onChain} transaction(s) on chain (nonce ${onChain} at block ${head.number}), ` +
      `but the send log ${log.path} accounts for ${known}. Either something else sent from this key, or the send log is ` +
      'not the one ValTrac wrote (deleted, or restored from an older copy), and a payout may already have been made. ' +
      `Nothing was sent. Run valtrac reconcile --from-block <a block before the key's first unknown transaction> to find ` +
      "them on chain (ValTrac's payouts carry their plan id and are recorded as paid), then run confirm again.",
  );
}

/**
 * The archive's word: a plan filed in workbook/archive/ was paid, and so was every period up to its last block. A
 * workbook that shows it unpaid, or a plan over a period the archive covers, is an older copy: never pay it again.
 */
export async function refuseArchivedPeriod(workbookPath: string, plan: CheckedPlan): Promise<void> {
  const archives = await listArchives(workbookPath);
  const same = archives.find((a) => a.planId === plan.planId);
  const covering = archives.filter((a) => a.toBlock >= plan.fromBlock).at(-1);
  const paid = same ?? covering;
  if (!paid || plan.rows.every((r) => r.status !== 'planned' && r.status !== 'failed')) return;
  throw new UserError(
    `${same ? `plan ${plan.planId} was` : `the period of plan ${plan.planId} (from block ${plan.fromBlock}) was already`} paid: ` +
      `${paid.file} archives plan ${paid.planId} through block ${paid.toBlock}. This workbook is an older copy that does not ` +
      'show it. Nothing was sent. Run valtrac plan: it puts the paid rows back from the archive and plans the period after it.',
  );
}

/** The (user, extrinsic) pairs the send log shows paid: what checkPlanAgainstWorkbook trusts as paid. */
export function paidInLog(log: SendLog): Set<string> {
  return new Set(log.paidBatches().flatMap((b) => b.users.map((user) => paidKey(user, b.extrinsicHash))));
}
