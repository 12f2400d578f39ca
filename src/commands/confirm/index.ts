import type { ApiPromise } from '@polkadot/api';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { connect } from '../../chain/connect.js';
import { resolveNetwork } from '../../chain/networks.js';
import { payerFor, payerOptions, type Payer, type PayerArgs } from '../../chain/payer.js';
import { readStakeMoveFacts } from '../../chain/moveFacts.js';
import { declaredMinimumStake } from '../../chain/stakeRules.js';
import { accountStates, canBatch, planBatches, planRemark, type BatchPlan, type StakeTransfer, type Transfer } from '../../chain/transfer.js';
import { settingPlace } from '../../domain/settings.js';
import { requireStakeMoves } from '../../domain/stakeMoves.js';
import { formatTao } from '../../domain/tao.js';
import type { PayoutRow, Rao } from '../../domain/types.js';
import { askYes } from '../../util/askYes.js';
import { UserError } from '../../util/errors.js';
import { archivePaidPeriods } from '../../workbook/archive.js';
import { readPlanFile } from '../../workbook/planFile.js';
import { SendLog } from '../../workbook/sendLog.js';
import { WorkbookStore, type WorkbookData } from '../../workbook/store.js';
import { notifyPayoutFromWorkbook } from '../../notify/notify.js';
import { recordPaidRows } from '../../prices/record.js';
import { priceAtConfirm } from '../../prices/source.js';
import { refreshChartsQuietly } from '../charts.js';
import { acceptRuntimeOption, guardRuntime, type AcceptRuntimeArgs } from '../acceptRuntime.js';
import { chosenNetwork, networkOption, type NetworkArgs } from '../common.js';
import { checkPlanAgainstWorkbook, type CheckedPlan } from '../planCheck.js';
import { refuseProblems } from '../payoutChecks.js';
import { restorePaidRows } from '../payoutRecovery.js';
import { paidInLog, refuseArchivedPeriod, refuseUnknownNonce } from './paidTruth.js';
import { ownerStake, requireTransferStake, stakePayment, taoPayment, type Payment } from './payments.js';
import { preflight, probeMinimumStake, type Verdict } from './preflight.js';
import { reconcile } from './reconcile.js';
import { rehearse } from './rehearse.js';
import { sendAll } from './send.js';
import { describePayments } from '../../domain/stakePayout.js';
import { out } from '../../util/output.js';

interface ConfirmArgs extends PayerArgs, NetworkArgs, AcceptRuntimeArgs {
  workbook: string;
  'dry-run': boolean;
  rehearse: boolean;
  yes: boolean;
  'as-stake': boolean;
}

export function builder(yargs: Argv<{ workbook: string }>) {
  return acceptRuntimeOption(payerOptions(networkOption(yargs)))
    .option('dry-run', { type: 'boolean', default: false, describe: 'Check and estimate everything, send nothing (without a key: read-only, no runtime verdict)' })
    .option('rehearse', {
      type: 'boolean',
      default: false,
      describe: 'Send the exact signed batches to a chopsticks fork of the node and show what the chain would do; nothing reaches the real node',
    })
    .option('yes', { type: 'boolean', default: false, describe: 'Do not ask for "yes" before sending' })
    .option('as-stake', {
      type: 'boolean',
      default: false,
      describe: "Pay with the owner's alpha on the validator hotkey (transfer_stake, same subnet) instead of TAO",
    })
    .example('valtrac confirm --dry-run', 'show the batches, fees and balance without sending (no key needed)')
    .example('valtrac confirm --dry-run --wallet.name payout', 'the same, with the runtime\'s verdict on the signed batches')
    .example('valtrac confirm --rehearse --wallet.name payout', 'run the real signed batches on a fork of the node first')
    .example('valtrac confirm --as-stake --wallet.name owner', "pay in each subnet's alpha from the owner's stake")
    .example('VALTRAC_WALLET_PASSWORD=... valtrac confirm --wallet.name payout --yes', 'pay without questions');
}

export async function handler(args: ArgumentsCamelCase<ConfirmArgs>): Promise<void> {
  if (args.dryRun && args.rehearse) throw new UserError('--dry-run and --rehearse: choose one (a rehearsal already sends nothing to the node)', 2);
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
    await guardRuntime(api, store, first.data.settings, args.acceptRuntime, 'confirm');
    if (args.asStake) requireTransferStake(api);
    await reconcile(api, store, log);
    let data = await store.read();
    if (await restorePaidRows(store, log, data.payouts)) data = await store.read();
    const plan = checkPlanAgainstWorkbook(await readPlanFile(args.workbook), data, paidInLog(log));
    const stale = plan.rows.filter((r) => r.status === 'sent');
    if (stale.length > 0) {
      throw new UserError(
        `Payouts marks ${stale.map((r) => r.user).join(', ')} as sent, but the send log ${log.path} has no open batch ` +
          'for them: check the extrinsic hash on a block explorer before doing anything else',
      );
    }
    await refuseArchivedPeriod(args.workbook, plan);
    const due = plan.rows.filter((r) => r.status === 'planned' || r.status === 'failed');
    const carried = plan.rows.filter((r) => r.status === 'carried');
    if (due.length === 0) {
      out.line(`Plan ${plan.planId}: nothing to send (${plan.rows.filter((r) => r.status === 'paid').length} paid, ${carried.length} carried).`);
      await archive(store, data);
      return;
    }

    const payer = await payerFor(args, args.dryRun, payoutColdkey, payoutPlace);
    await refuseUnknownNonce(api, log, payer.address);

    const existentialDeposit = (api.consts.balances!.existentialDeposit as unknown as { toBigInt(): bigint }).toBigInt();
    const ctx: PayContext = {
      api,
      store,
      log,
      payer,
      plan,
      existentialDeposit,
      carried: carried.length,
      mode: args.dryRun ? 'dry-run' : args.rehearse ? 'rehearse' : 'send',
      yes: args.yes,
      nodeUrl: resolveNetwork(network, argument).url,
    };
    if (args.asStake) await payAsStake(ctx, data.settings.hotkey, due);
    else await pay(ctx, await taoPayment(api, due, existentialDeposit));
    if (ctx.mode !== 'send') return;
    out.line(`Plan ${plan.planId} is paid: the period through block ${plan.toBlock} is closed; the next plan starts after it.`);
    await recordPaidRows(api, store, plan.planId, await priceAtConfirm(data.settings));
    await notifyPayoutFromWorkbook(store, plan.planId);
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
    for (const file of written) out.line(`Archived the paid period in ${file}.`);
    if (restored) out.line(`Payouts: restored the rows of paid plan ${restored} from its archive (an older copy had dropped them).`);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    out.problem(`valtrac: the payment is recorded, but archiving the paid period failed: ${error.message}`);
  }
}

interface PayContext {
  api: ApiPromise;
  store: WorkbookStore;
  log: SendLog;
  /** Without a key only on a dry run (see payerFor). */
  payer: Payer;
  plan: CheckedPlan;
  existentialDeposit: Rao;
  carried: number;
  mode: 'send' | 'dry-run' | 'rehearse';
  yes: boolean;
  nodeUrl: string;
}

/**
 * Stake payments need the runtime's minimum stake move: from its metadata where it declares one, else from the
 * runtime itself: a dry run that fails with `AmountTooLow` finds it, and the payments are split again around it.
 */
async function payAsStake(ctx: PayContext, hotkey: string | null, due: readonly PayoutRow[]): Promise<void> {
  const validator = await ownerStake(ctx.api, hotkey, ctx.payer.address);
  // What the runtime lets move, read once at the block the payment is computed at; checked before anything is signed
  // (the dry runs that find the minimum included) and again after a re-split.
  const owned = (validator.delegateSubnets ?? []).map((s) => s.netuid);
  const facts = await readStakeMoveFacts(ctx.api, validator.owner, validator.hotkey, owned, validator.blockHash);
  let minimum = declaredMinimumStake(ctx.api) ?? facts.minTransfer;
  let payment = await stakePayment(ctx.api, validator, due, minimum);
  const check = (p: Payment<StakeTransfer>) =>
    requireStakeMoves(facts, p.transfers.flatMap((t) => t.parts.map((part) => ({ kind: 'transfer' as const, netuid: part.netuid, alpha: part.alpha, tao: part.tao }))), 'confirm --as-stake');
  check(payment);
  if (minimum === null && ctx.payer.pair) {
    const found = await probeMinimumStake(ctx.api, ctx.payer.pair, validator.hotkey, payment.transfers);
    if (found !== null) {
      minimum = found;
      out.line(`The runtime refuses stake moves worth less than about ${formatTao(found)} TAO (found by dry runs): small parts are merged.`);
      payment = await stakePayment(ctx.api, validator, due, minimum);
    }
  }
  check(payment);
  await pay(ctx, payment);
}

/** Everything after choosing how to pay: batches, fees, the balance check, the runtime's dry run, the question, sending. */
async function pay<T extends Transfer>(ctx: PayContext, payment: Payment<T>): Promise<void> {
  const { api, payer, plan } = ctx;
  const firstBatch = Math.max(0, ...plan.rows.map((r) => r.batch ?? 0)) + 1;
  const batches = await planBatches(api, payer.address, payment.transfers, payment.calls, planRemark(plan.planId, firstBatch));
  const total = payment.transfers.reduce((sum, t) => sum + t.amount, 0n);
  const fees = batches.reduce((sum, b) => sum + b.fee, 0n);
  const sender = (await accountStates(api, [payer.address]))[0]!;
  for (const line of payment.lines) out.line(line);
  printSummary(api, plan.planId, batches, total, fees, sender.free, ctx.carried);
  const needed = payment.taoOut + fees + ctx.existentialDeposit;
  if (sender.free < needed) {
    throw new UserError(
      `the payout coldkey ${payer.address} has ${formatTao(sender.free)} TAO free, but needs ${formatTao(needed)} TAO ` +
        `(payouts ${formatTao(payment.taoOut)} + fees ${formatTao(fees)} + existential deposit ${formatTao(ctx.existentialDeposit)}). ` +
        "valtrac fund moves what is missing from the owner's take (or top it up yourself); then run confirm again. Nothing was sent.",
    );
  }
  const pair = payer.pair;
  if (pair === null) {
    // A dry run without a key: the runtime's own dry run needs the extrinsic signed by it.
    out.line("Dry run: nothing was signed or sent. With the key (--wallet.name NAME) the runtime's own dry run checks the signed batches too.");
    return;
  }
  refuseFailures(await preflight(api, pair, batches, payment.calls, plan.planId, firstBatch));
  out.line(`The runtime's dry run accepts ${batches.length === 1 ? 'the extrinsic' : `all ${batches.length} extrinsics`}.`);
  if (ctx.mode === 'dry-run') {
    out.line('Dry run: nothing was sent.');
    return;
  }
  if (ctx.mode === 'rehearse') {
    await rehearse(api, ctx.nodeUrl, pair, batches, payment.calls, plan.planId, firstBatch, payment.hotkey);
    return;
  }
  if (!ctx.yes) await askYes(payment.question, 'confirm');
  await sendAll({ api, store: ctx.store, log: ctx.log, pair, planId: plan.planId, calls: payment.calls, hotkey: payment.hotkey }, batches, firstBatch);
}

function refuseFailures(verdicts: readonly Verdict[]): void {
  const failed = verdicts.filter((v) => !v.outcome.ok);
  if (failed.length === 0) return;
  const why = failed.map((v) => `batch ${v.batch}: ${v.outcome.ok ? '' : v.outcome.error}`).join('; ');
  throw new UserError(`the runtime's dry run of this payout fails (${why}), so it would fail on chain and cost its fee. Nothing was sent.`);
}

function printSummary(api: ApiPromise, planId: string, batches: BatchPlan<Transfer>[], total: bigint, fees: bigint, free: bigint, carried: number): void {
  const payments = batches.reduce((n, b) => n + b.transfers.length, 0);
  const how = canBatch(api) ? `${batches.length} batch(es)` : `${batches.length} extrinsics (this runtime has no utility.batch_all: one per payment, after a remark with the plan id)`;
  out.line(`Plan ${planId}: ${payments} payments in ${how}${carried ? `, ${carried} carried to the next period` : ''}.`);
  for (const [i, b] of batches.entries()) {
    const what = b.transfers.length === 0 ? 'the plan id remark' : describePayments(b.transfers);
    out.line(`  batch ${i + 1}: ${what}, fee ${formatTao(b.fee)} TAO, weight ${b.refTime} ref-time, ${b.length} bytes`);
  }
  out.line(`Total ${formatTao(total)} TAO + fees ${formatTao(fees)} TAO; the payout coldkey has ${formatTao(free)} TAO free.`);
}
