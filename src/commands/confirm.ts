import type { ApiPromise } from '@polkadot/api';
import type { KeyringPair } from '@polkadot/keyring/types';
import { createInterface } from 'node:readline/promises';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { finalizedHead } from '../chain/blocks.js';
import { connect } from '../chain/connect.js';
import { payerFor, payerOptions, type Payer, type PayerArgs } from '../chain/payer.js';
import {
  accountStates,
  findInBlocks,
  nextNonce,
  NodeLostError,
  nonceAt,
  planBatches,
  signBatch,
  submitAndFollow,
  type BatchPlan,
  type Inclusion,
  type PaymentCalls,
  type Transfer,
} from '../chain/transfer.js';
import { settingPlace } from '../domain/settings.js';
import { formatTao } from '../domain/tao.js';
import { crashPoint } from '../util/crashPoint.js';
import { UserError } from '../util/errors.js';
import { archivePaidPeriods } from '../workbook/archive.js';
import { readPlanFile } from '../workbook/planFile.js';
import { SendLog, type SendingEntry } from '../workbook/sendLog.js';
import { WorkbookStore, type WorkbookData } from '../workbook/store.js';
import { checkPlanAgainstWorkbook, paidKey, type CheckedPlan } from './planCheck.js';
import { refuseProblems } from './payoutChecks.js';
import { restorePaidRows } from './payoutRecovery.js';
import { refreshChartsQuietly } from './charts.js';
import { requireTransferStake, stakePayment, taoPayment, type Payment } from './payments.js';
import { chosenNetwork, networkOption, type NetworkArgs } from './common.js';

interface ConfirmArgs extends PayerArgs, NetworkArgs {
  workbook: string;
  'dry-run': boolean;
  yes: boolean;
  'as-stake': boolean;
}

export const command = 'confirm';
export const describe = 'Pay the planned rows in signed batch transfers from the payout coldkey, never twice';

export function builder(yargs: Argv<{ workbook: string }>) {
  return payerOptions(networkOption(yargs))
    .option('dry-run', { type: 'boolean', default: false, describe: 'Check and estimate everything, send nothing (needs no key)' })
    .option('yes', { type: 'boolean', default: false, describe: 'Do not ask for "yes" before sending' })
    .option('as-stake', {
      type: 'boolean',
      default: false,
      describe: "Pay with the owner's alpha on the validator hotkey (transfer_stake, same subnet) instead of TAO",
    })
    .example('valtrac confirm --dry-run', 'show the batches, fees and balance without sending (no key needed)')
    .example('valtrac confirm --as-stake --wallet owner', "pay in each subnet's alpha from the owner's stake")
    .example('VALTRAC_WALLET_PASSWORD=... valtrac confirm --wallet.name payout --yes', 'pay without questions');
}

export async function handler(args: ArgumentsCamelCase<ConfirmArgs>): Promise<void> {
  const store = new WorkbookStore(args.workbook);
  await store.applyPending();
  const first = await store.readParsed();
  refuseProblems(first.problems, 'confirm');
  const payoutColdkey = first.data.settings.payoutColdkey;
  const payoutPlace = settingPlace('payoutColdkey', first.settingsCells.payoutColdkey);
  if (!payoutColdkey) {
    throw new UserError(`${payoutPlace} is empty: type the SS58 address that pays there (or valtrac settings set payout-coldkey ADDRESS), then run confirm again`);
  }
  const log = SendLog.beside(args.workbook);

  const { network, argument } = chosenNetwork(args, first.data.settings, first.settingsCells);
  const api = await connect(network, { argument });
  try {
    if (args.asStake) requireTransferStake(api);
    await reconcile(api, store, log);
    let data = await store.read();
    if (await restorePaidRows(store, log, data.payouts)) data = await store.read();
    const stored = await readPlanFile(args.workbook);
    const plan = checkPlanAgainstWorkbook(stored, data, paidInLog(log));
    const stale = plan.rows.filter((r) => r.status === 'sent');
    if (stale.length > 0) {
      throw new UserError(
        `Payouts marks ${stale.map((r) => r.user).join(', ')} as sent, but the send log ${log.path} has no open batch ` +
          'for them: check the extrinsic hash on a block explorer before doing anything else',
      );
    }
    const due = plan.rows.filter((r) => r.status === 'planned' || r.status === 'failed');
    const carried = plan.rows.filter((r) => r.status === 'carried');
    if (due.length === 0) {
      console.log(`Plan ${plan.planId}: nothing to send (${plan.rows.filter((r) => r.status === 'paid').length} paid, ${carried.length} carried).`);
      await archive(store, data);
      return;
    }

    const payer = await payerFor(args, args.dryRun, payoutColdkey, payoutPlace);
    const existentialDeposit = (api.consts.balances!.existentialDeposit as unknown as { toBigInt(): bigint }).toBigInt();
    const opts = { existentialDeposit, carried: carried.length, yes: args.yes };
    if (args.asStake) await pay(api, store, log, payer, plan, await stakePayment(api, data.settings.hotkey, payer.address, due), opts);
    else await pay(api, store, log, payer, plan, await taoPayment(api, due, existentialDeposit), opts);
    if (args.dryRun) return;
    console.log(`Plan ${plan.planId} is paid: the period through block ${plan.toBlock} is closed; the next plan starts after it.`);
    await archive(store, await store.read());
    await refreshChartsQuietly(args.workbook);
  } catch (error) {
    // A request cut off by the node going away fails with @polkadot's own error and stack: say what happened instead.
    if (!(error instanceof UserError) && !api.isConnected) {
      throw new UserError(
        `lost the connection to the node before confirm finished. Every batch submitted is recorded in ${log.path}: ` +
          'run confirm again once the node is reachable; it settles those with the chain before sending anything else',
      );
    }
    throw error;
  } finally {
    await api.disconnect();
  }
}

/**
 * Files the paid period in workbook/archive/ and keeps the workbook at about two periods of rows. The payment is done
 * by then, so a failure here only warns: `plan` archives again before it works out the next period.
 */
async function archive(store: WorkbookStore, data: WorkbookData): Promise<void> {
  try {
    const { written, restored } = await archivePaidPeriods(store, data);
    for (const file of written) console.log(`Archived the paid period in ${file}.`);
    if (restored) console.log(`Payouts: restored the rows of paid plan ${restored} from its archive (an older copy had dropped them).`);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    console.error(`valtrac: the payment is recorded, but archiving the paid period failed: ${error.message}`);
  }
}

function paidInLog(log: SendLog): Set<string> {
  return new Set(log.paidBatches().flatMap((b) => b.users.map((user) => paidKey(user, b.extrinsicHash))));
}

/** Everything after choosing how to pay: batches, fees, the balance check, the question, and sending (not on a dry run). */
async function pay<T extends Transfer>(
  api: ApiPromise,
  store: WorkbookStore,
  log: SendLog,
  payer: Payer,
  plan: CheckedPlan,
  payment: Payment<T>,
  opts: { existentialDeposit: bigint; carried: number; yes: boolean },
): Promise<void> {
  const batches = await planBatches(api, payer.address, payment.transfers, payment.calls);
  const total = payment.transfers.reduce((sum, t) => sum + t.amount, 0n);
  const fees = batches.reduce((sum, b) => sum + b.fee, 0n);
  const sender = (await accountStates(api, [payer.address]))[0]!;
  for (const line of payment.lines) console.log(line);
  printSummary(plan.planId, batches, total, fees, sender.free, opts.carried);
  const needed = payment.taoOut + fees + opts.existentialDeposit;
  if (sender.free < needed) {
    throw new UserError(
      `the payout coldkey ${payer.address} has ${formatTao(sender.free)} TAO free, but needs ${formatTao(needed)} TAO ` +
        `(payouts ${formatTao(payment.taoOut)} + fees ${formatTao(fees)} + existential deposit ${formatTao(opts.existentialDeposit)}). ` +
        'Top it up and run confirm again. Nothing was sent.',
    );
  }
  const pair = payer.pair;
  if (pair === null) {
    console.log('Dry run: nothing was signed or sent.');
    return;
  }
  if (!opts.yes) await askYes(payment.question);

  const firstBatch = Math.max(0, ...plan.rows.map((r) => r.batch ?? 0)) + 1;
  for (const [i, batch] of batches.entries()) {
    await sendBatch(api, store, log, pair, plan.planId, firstBatch + i, batch, payment.calls);
  }
}

function printSummary(planId: string, batches: BatchPlan<Transfer>[], total: bigint, fees: bigint, free: bigint, carried: number): void {
  console.log(`Plan ${planId}: ${batches.reduce((n, b) => n + b.transfers.length, 0)} payments in ${batches.length} batch(es)` +
    `${carried ? `, ${carried} carried to the next period` : ''}.`);
  for (const [i, b] of batches.entries()) {
    console.log(`  batch ${i + 1}: ${b.transfers.length} transfers, ${formatTao(b.transfers.reduce((s, t) => s + t.amount, 0n))} TAO, ` +
      `fee ${formatTao(b.fee)} TAO, weight ${b.refTime} ref-time, ${b.length} bytes`);
  }
  console.log(`Total ${formatTao(total)} TAO + fees ${formatTao(fees)} TAO; the payout coldkey has ${formatTao(free)} TAO free.`);
}

async function askYes(question: string): Promise<void> {
  if (!process.stdin.isTTY) throw new UserError('confirm needs your "yes": run it in a terminal, or pass --yes');
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  const answer = await rl.question(question);
  rl.close();
  if (answer.trim().toLowerCase() !== 'yes') throw new UserError('not confirmed: nothing was sent');
}

/**
 * Records the batch (send log, then `sent` in Payouts) before it can reach the chain, sends it, and records the
 * outcome. Every step is safe to crash after: reconcile() finishes whatever was recorded.
 */
async function sendBatch<T extends Transfer>(
  api: ApiPromise,
  store: WorkbookStore,
  log: SendLog,
  pair: KeyringPair,
  planId: string,
  batch: number,
  plan: BatchPlan<T>,
  calls: PaymentCalls<T>,
): Promise<void> {
  const nonce = await nextNonce(api, pair.address);
  const birth = await finalizedHead(api);
  const signed = await signBatch(api, pair, plan.transfers, nonce, birth, calls);
  const entry: SendingEntry = {
    type: 'sending',
    planId,
    batch,
    users: plan.transfers.map((t) => t.user),
    extrinsicHash: signed.hash,
    hex: signed.hex,
    nonce,
    eraBirth: signed.eraBirth,
    eraPeriod: signed.eraPeriod,
    at: new Date().toISOString(),
  };
  log.append(entry);
  await store.apply({
    kind: 'updatePayouts',
    planId,
    updates: entry.users.map((user) => ({ user, batch, status: 'sent' as const, extrinsicHash: signed.hash })),
  });
  crashPoint('before-send');
  console.log(`Batch ${batch}: sending ${signed.hash} (nonce ${nonce}, valid through block ${signed.eraBirth + signed.eraPeriod})...`);
  let inclusion: Inclusion;
  try {
    inclusion = await submitAndFollow(api, signed.hex, {
      onSubmitted: () => crashPoint('after-send'),
      onInBlock: () => crashPoint('after-inclusion'),
    });
  } catch (error) {
    const lastValid = signed.eraBirth + signed.eraPeriod;
    if (error instanceof NodeLostError) {
      throw new UserError(
        `lost the connection to the node after submitting batch ${batch}, before seeing it finalized: it may still be ` +
          `paid. It stays recorded as sent in ${log.path}: run confirm again once the node is reachable, and it will ` +
          `find it in a block or prove it expired (after block ${lastValid}) before sending anything else`,
      );
    }
    throw new UserError(
      `the node did not take batch ${batch} (${(error as Error).message}). It stays recorded as sent in ${log.path}: ` +
        `run confirm again, and it will find it in a block or prove it expired (after block ${lastValid}) ` +
        'before sending anything else',
    );
  }
  await settle(store, log, entry, inclusion);
}

/** Writes the chain's verdict on a batch: Payouts first, then the send log (so a crash in between is reconciled again). */
async function settle(store: WorkbookStore, log: SendLog, entry: SendingEntry, inclusion: Inclusion): Promise<void> {
  const paid = inclusion.error === null;
  await store.apply({
    kind: 'updatePayouts',
    planId: entry.planId,
    updates: entry.users.map((user) => ({
      user,
      batch: entry.batch,
      status: paid ? ('paid' as const) : ('failed' as const),
      extrinsicHash: entry.extrinsicHash,
      blockNumber: inclusion.blockNumber,
      blockHash: inclusion.blockHash,
      ...(paid ? {} : { note: `batch ${entry.batch} failed on chain, nobody in it was paid: ${inclusion.error}` }),
    })),
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
    at: new Date().toISOString(),
  });
  console.log(paid
    ? `Batch ${entry.batch}: paid in block ${inclusion.blockNumber} (${inclusion.blockHash}).`
    : `Batch ${entry.batch}: failed in block ${inclusion.blockNumber}: ${inclusion.error}`);
  if (!paid) {
    throw new UserError(
      `batch ${entry.batch} failed on chain (${inclusion.error}); its rows are marked failed and nobody in it was paid. ` +
        'Fix the cause and run confirm again to retry them.',
    );
  }
}

async function markExpired(store: WorkbookStore, log: SendLog, entry: SendingEntry, why: string): Promise<void> {
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
  console.log(`Batch ${entry.batch} of plan ${entry.planId} was never included (${why}): its rows will be sent again.`);
}

const POLL_MS = 1_000;

/**
 * Before anything is sent: every batch recorded as sending is found in a finalized block (paid or failed), or proven
 * never to land (its mortal era ended, or its nonce was used by another transaction), or resubmitted as the same
 * signed bytes and followed. Nothing new is sent while a batch is undecided.
 */
async function reconcile(api: ApiPromise, store: WorkbookStore, log: SendLog): Promise<void> {
  for (const entry of log.open()) {
    const signer = api.createType('Extrinsic', entry.hex).signer.toString();
    const lastValid = entry.eraBirth + entry.eraPeriod;
    console.log(`Reconciling batch ${entry.batch} of plan ${entry.planId} (${entry.extrinsicHash}) with the chain...`);
    let searched = entry.eraBirth - 1;
    let resubmitted = false;
    for (;;) {
      const head = await finalizedHead(api);
      const found = await findInBlocks(api, entry.extrinsicHash, searched + 1, Math.min(head.number, lastValid));
      if (found) {
        await settle(store, log, entry, found);
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
          await settle(store, log, entry, await submitAndFollow(api, entry.hex));
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
