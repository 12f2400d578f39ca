import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { finalizedHead } from '../../chain/blocks.js';
import { batchCompleted, deliveries, remarked, type Delivery, type ExpectedPayment } from '../../chain/delivery.js';
import { NodeLostError, submitAndFollow, type Inclusion } from '../../chain/submit.js';
import { canBatch, nextNonce, planRemark, signBatch, type BatchPlan, type PaymentCalls, type StakeTransfer, type Transfer } from '../../chain/transfer.js';
import { formatTao } from '../../domain/tao.js';
import { crashPoint } from '../../util/crashPoint.js';
import { UserError } from '../../util/errors.js';
import { recordedExtrinsic, type LoggedPayment, type ReceivedAlpha, type SendLog, type SendingEntry } from '../../workbook/sendLog.js';
import type { WorkbookStore } from '../../workbook/store.js';
import { notifyPayoutFromWorkbook } from '../../notify/notify.js';
import { out } from '../../util/output.js';

/** What a payment must deliver: a TAO transfer is its whole amount, a stake payment its alpha parts (and any TAO). */
export function expectedOf(t: Transfer): ExpectedPayment {
  const stake = t as Partial<StakeTransfer>;
  return { user: t.user, address: t.address, amount: t.amount, tao: stake.parts ? stake.tao! : t.amount, parts: stake.parts ?? [] };
}

function logged(p: ExpectedPayment): LoggedPayment {
  return {
    user: p.user,
    address: p.address,
    amount: p.amount.toString(),
    tao: p.tao.toString(),
    parts: p.parts.map((x) => ({ netuid: x.netuid, tao: x.tao.toString(), alpha: x.alpha.toString() })),
  };
}

function fromLog(p: LoggedPayment): ExpectedPayment {
  return {
    user: p.user,
    address: p.address,
    amount: BigInt(p.amount),
    tao: BigInt(p.tao),
    parts: p.parts.map((x) => ({ netuid: x.netuid, tao: BigInt(x.tao), alpha: BigInt(x.alpha) })),
  };
}

export interface SendContext<T extends Transfer> {
  api: ApiPromise;
  store: WorkbookStore;
  log: SendLog;
  pair: KeyringPair;
  planId: string;
  calls: PaymentCalls<T>;
  hotkey: string | null;
}

/**
 * Signs every extrinsic with consecutive nonces and a mortal era, records each in the send log (then `sent` in
 * Payouts) before any of them can reach the chain, submits them together and settles each from its block's events.
 * Every step is safe to crash after: reconcile() finishes whatever was recorded.
 */
export async function sendAll<T extends Transfer>(ctx: SendContext<T>, batches: readonly BatchPlan<T>[], firstBatch: number): Promise<void> {
  const { api, store, log, pair, planId } = ctx;
  const first = await nextNonce(api, pair.address);
  const birth = await finalizedHead(api);
  const entries: SendingEntry[] = [];
  for (const [i, plan] of batches.entries()) {
    const batch = firstBatch + i;
    // A batch_all carries the remark with its payments; without Utility the remark is its own first extrinsic.
    const remark = canBatch(api) || plan.transfers.length === 0 ? planRemark(planId, batch) : null;
    const signed = await signBatch(api, pair, plan.transfers, first + i, birth, ctx.calls, remark);
    entries.push({
      type: 'sending',
      planId,
      batch,
      users: plan.transfers.map((t) => t.user),
      ...recordedExtrinsic(signed, pair.address),
      remark,
      payments: plan.transfers.map((t) => logged(expectedOf(t))),
      hotkey: ctx.hotkey,
      at: new Date().toISOString(),
    });
  }
  for (const entry of entries) log.append(entry);
  const updates = entries.flatMap((e) => e.users.map((user) => ({ user, batch: e.batch, status: 'sent' as const, extrinsicHash: e.extrinsicHash })));
  if (updates.length > 0) await store.apply({ kind: 'updatePayouts', planId, updates });
  crashPoint('before-send');
  for (const e of entries) {
    out.line(`Batch ${e.batch}: sending ${e.extrinsicHash} (nonce ${e.nonce}, valid through block ${e.eraBirth + e.eraPeriod})...`);
  }
  const outcomes = await Promise.allSettled(await submitInOrder(api, entries));
  let failure: UserError | null = null;
  for (const [i, outcome] of outcomes.entries()) {
    const entry = entries[i]!;
    if (outcome.status === 'fulfilled') {
      try {
        await settle(ctx, entry, outcome.value);
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        failure ??= error;
      }
      continue;
    }
    failure ??= notTaken(outcome.reason, entry, log);
  }
  if (failure) throw failure;
}

/**
 * Submits each extrinsic once the node has taken the one before into its pool, so they arrive in nonce order (a node
 * that builds a block per transaction, as chopsticks does, would find a later nonce invalid otherwise), and follows
 * them all together. After one the node refuses, the rest are not submitted: they stay recorded, and reconcile
 * submits them (or proves them expired) on the next run.
 */
async function submitInOrder(api: ApiPromise, entries: readonly SendingEntry[]): Promise<Array<Promise<Inclusion>>> {
  const followed: Array<Promise<Inclusion>> = [];
  for (const entry of entries) {
    let taken = () => {};
    const inPool = new Promise<boolean>((resolve) => (taken = () => resolve(true)));
    const outcome = submitAndFollow(api, entry.hex, {
      onSubmitted: () => {
        crashPoint('after-send');
        taken();
      },
      onInBlock: () => crashPoint('after-inclusion'),
    });
    followed.push(outcome);
    if (!(await Promise.race([inPool, outcome.then(() => true, () => false)]))) break;
  }
  return followed;
}

function notTaken(error: unknown, entry: SendingEntry, log: SendLog): UserError {
  const lastValid = entry.eraBirth + entry.eraPeriod;
  if (error instanceof NodeLostError) {
    return new UserError(
      `lost the connection to the node after submitting batch ${entry.batch}, before seeing it finalized: it may still be ` +
        `paid. It stays recorded as sent in ${log.path}: run confirm again once the node is reachable, and it will ` +
        `find it in a block or prove it expired (after block ${lastValid}) before sending anything else`,
    );
  }
  return new UserError(
    `the node did not take batch ${entry.batch} (${(error as Error).message}). It stays recorded as sent in ${log.path}: ` +
      `run confirm again, and it will find it in a block or prove it expired (after block ${lastValid}) ` +
      'before sending anything else',
  );
}

/**
 * Writes the chain's verdict on an extrinsic, Payouts first, then the send log (a crash in between is reconciled
 * again). A successful one is checked against its own events: each row records what the chain shows arrived, and a
 * row that arrived short says so (the difference is carried into the next plan).
 */
export async function settle(ctx: Pick<SendContext<Transfer>, 'api' | 'store' | 'log'>, entry: SendingEntry, inclusion: Inclusion): Promise<void> {
  const { api, store, log } = ctx;
  const paid = inclusion.error === null;
  const signer = entry.signer ?? api.createType('Extrinsic', entry.hex).signer.toString();
  const found = paid && entry.payments ? deliveries(api, inclusion.events, signer, entry.hotkey ?? null, entry.payments.map(fromLog)) : null;
  const warnings: string[] = [];
  if (paid && entry.remark && !remarked(api, inclusion.events, signer, entry.remark)) warnings.push(`no System.Remarked event for "${entry.remark}"`);
  if (paid && canBatch(api) && !batchCompleted(api, inclusion.events)) warnings.push('no Utility.BatchCompleted event');
  await store.apply({
    kind: 'updatePayouts',
    planId: entry.planId,
    updates: entry.users.map((user) => {
      const delivery = found?.find((d) => d.user === user);
      const expected = entry.payments?.find((p) => p.user === user);
      return {
        user,
        batch: entry.batch,
        status: paid ? ('paid' as const) : ('failed' as const),
        extrinsicHash: entry.extrinsicHash,
        blockNumber: inclusion.blockNumber,
        blockHash: inclusion.blockHash,
        ...(paid ? {} : { note: `batch ${entry.batch} failed on chain, nobody in it was paid: ${inclusion.error}` }),
        ...(delivery && expected ? deliveryUpdate(delivery, BigInt(expected.amount)) : {}),
      };
    }),
  });
  log.append({
    type: 'settled',
    planId: entry.planId,
    batch: entry.batch,
    extrinsicHash: entry.extrinsicHash,
    outcome: paid ? 'paid' : 'failed',
    blockNumber: inclusion.blockNumber,
    blockHash: inclusion.blockHash,
    error: inclusion.error,
    ...receivedAlpha(found),
    at: new Date().toISOString(),
  });
  if (!paid) {
    out.line(`Batch ${entry.batch}: failed in block ${inclusion.blockNumber}: ${inclusion.error}`);
    await notifyPayoutFromWorkbook(store, entry.planId);
    throw new UserError(
      `batch ${entry.batch} failed on chain (${inclusion.error}); its rows are marked failed and nobody in it was paid. ` +
        'Fix the cause and run confirm again to retry them.',
    );
  }
  const fee = inclusion.fee === null ? '' : `, fee ${formatTao(inclusion.fee)} TAO`;
  out.line(`Batch ${entry.batch}: paid in block ${inclusion.blockNumber} (${inclusion.blockHash})${fee}.`);
  for (const d of found ?? []) {
    const amount = BigInt(entry.payments!.find((p) => p.user === d.user)!.amount);
    if (d.delivered < amount) out.line(`  ${d.user}: ${shortNote(d, amount)}`);
  }
  for (const w of warnings) out.line(`  warning: the block shows ${w} for batch ${entry.batch}.`);
}

/** The alpha each stake payment's events showed, kept in the send log so tax files can name what arrived per subnet. */
function receivedAlpha(found: readonly Delivery[] | null): { received?: ReceivedAlpha[] } {
  const stake = (found ?? []).filter((d) => d.parts.length > 0);
  return stake.length === 0 ? {} : { received: stake.map((d) => ({ user: d.user, parts: d.parts.map((p) => ({ netuid: p.netuid, alpha: p.received.toString() })) })) };
}

function deliveryUpdate(d: Delivery, amount: bigint): { delivered: string; note?: string } {
  return d.delivered < amount ? { delivered: d.delivered.toString(), note: shortNote(d, amount) } : { delivered: d.delivered.toString() };
}

function shortNote(d: Delivery, amount: bigint): string {
  const alpha = d.parts
    .filter((p) => p.received < p.sent)
    .map((p) => `subnet ${p.netuid}: ${formatTao(p.received)} α arrived of ${formatTao(p.sent)} α sent`)
    .join(', ');
  return (
    `the chain shows ${formatTao(d.delivered)} TAO delivered of ${formatTao(amount)} TAO${alpha ? ` (${alpha})` : ''}; ` +
    `the ${formatTao(amount - d.delivered)} TAO short is carried into the next plan`
  );
}

export async function markExpired(store: WorkbookStore, log: SendLog, entry: SendingEntry, why: string): Promise<void> {
  if (entry.users.length > 0) {
    await store.apply({
      kind: 'updatePayouts',
      planId: entry.planId,
      updates: entry.users.map((user) => ({
        user,
        status: 'planned' as const,
        batch: null,
        extrinsicHash: null,
        note: `batch ${entry.batch} (${entry.extrinsicHash}) was never included (${why}); it is safe to send again`,
      })),
    });
  }
  log.append({
    type: 'settled',
    planId: entry.planId,
    batch: entry.batch,
    extrinsicHash: entry.extrinsicHash,
    outcome: 'expired',
    blockNumber: null,
    blockHash: null,
    error: why,
    at: new Date().toISOString(),
  });
  out.line(`Batch ${entry.batch} of plan ${entry.planId} was never included (${why}): its rows will be sent again.`);
}
