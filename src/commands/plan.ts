import type { ApiPromise } from '@polkadot/api';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { connect, release } from '../chain/connect.js';
import { accountStates } from '../chain/transfer.js';
import { allocationSentence } from '../domain/money.js';
import { computePayouts } from '../domain/payout.js';
import { PeriodShares } from '../domain/periodShares.js';
import { carryNote, payoutHistory, planFingerprint, planIdFor } from '../domain/period.js';
import { formatTao, parseTao } from '../domain/tao.js';
import { describeSetup, estimateValidatorSetup } from '../domain/validatorSetup.js';
import { RAO_PER_TAO, type PayoutRow, type Rao, type User } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { SendLog } from '../workbook/sendLog.js';
import { writePlanFile } from '../workbook/planFile.js';
import { listRecords, readRecord, recordsDir } from '../workbook/records.js';
import { readPeriodByUser } from '../workbook/periodStakes.js';
import { WorkbookStore } from '../workbook/store.js';
import { payoutTable } from './payoutTable.js';
import { countFromFor, restateUsersStake } from './counting.js';
import { describeCountFrom } from '../domain/countFrom.js';
import { refuseProblems } from './payoutChecks.js';
import { recoverPayouts } from './payoutRecovery.js';
import { chosenNetwork, networkOption, type NetworkArgs } from './common.js';
import { acceptRuntimeOption, guardRuntime, type AcceptRuntimeArgs } from './acceptRuntime.js';
import { notifyPlanReady } from '../notify/notify.js';
import { out } from '../util/output.js';

interface PlanArgs extends NetworkArgs, AcceptRuntimeArgs {
  workbook: string;
  pool: string;
  toBlock?: number;
  'include-owner-rewards': boolean;
  fromMenu: boolean;
}

export function builder(yargs: Argv<{ workbook: string }>) {
  return acceptRuntimeOption(networkOption(yargs))
    .option('pool', {
      type: 'string',
      default: 'accrued',
      describe: 'TAO to pay out (e.g. 12.5), or "accrued": the growth of the delegate stake over the period',
    })
    .option('to-block', { type: 'number', describe: 'End the period at the last snapshot at or before this block' })
    .option('include-owner-rewards', {
      type: 'boolean',
      default: false,
      describe: "With --pool accrued: pay it even though the owner holds stake of their own on the hotkey (its rewards go out too)",
    })
    // The menu runs plan and then asks itself whether to pay: its next step is that question, not a command.
    .option('from-menu', { type: 'boolean', default: false, hidden: true })
    .example('valtrac plan', 'pay out what the delegate stake earned since the last payout')
    .example('valtrac plan --pool 12.5 --to-block 4200000', 'pay 12.5 TAO for the snapshots up to block 4200000');
}

/** Bittensor's total supply: no pool can be larger, and anything above it is a typo that must not reach Payouts. */
const MAX_POOL = 21_000_000n * RAO_PER_TAO;

export async function handler(args: ArgumentsCamelCase<PlanArgs>): Promise<void> {
  // Arguments first: a mistyped --pool is reported as such, before the workbook or the records are read.
  if (args.pool.trim() !== 'accrued') choosePool(args.pool, 0n);
  if (args.toBlock !== undefined && (!Number.isSafeInteger(args.toBlock) || args.toBlock < 0)) {
    throw new UserError(`--to-block must be a block number, not ${args.toBlock}`);
  }
  const store = new WorkbookStore(args.workbook);
  await store.applyPending();
  const first = await store.readParsed();
  refuseProblems(first.problems, 'plan');
  const data = await recoverPayouts(store, SendLog.beside(args.workbook), first.data);
  const history = payoutHistory(data.payouts);

  // The node only tells the existential deposit and which payout accounts exist: connect while the records are read.
  const { network, argument } = chosenNetwork(args, data.settings, first.settingsCells);
  const connecting = connect(network, { argument });
  connecting.catch(() => undefined); // a failure is reported where it is awaited
  let api: ApiPromise | null = null;
  try {
    const countFrom = await countFromFor(recordsDir(args.workbook), data);
    const period = await loadPeriod(args.workbook, data.users, countFrom, history.closedThrough, args.toBlock);
    const pool = choosePool(args.pool, period.accrued);
    const setup = args.pool.trim() === 'accrued' ? await checkSetup(args.workbook, period, args['include-owner-rewards']) : [];
    api = await connecting;
    await guardRuntime(api, store, data.settings, args.acceptRuntime, 'plan');
    const existentialDeposit = (api.consts.balances!.existentialDeposit as unknown as { toBigInt(): bigint }).toBigInt();
    const exists = await existingAccounts(api, data.users.map((u) => u.addresses[0]!));
    const result = computePayouts({
      users: data.users,
      referrals: data.referrals,
      taxMode: data.settings.taxMode,
      snapshots: period.snapshots,
      pool,
      carriedIn: history.carriedIn,
      accountExists: (address) => exists.has(address),
      existentialDeposit,
    });
    const draft: PayoutRow[] = result.rows.map((r) => ({
      planId: '',
      status: r.status,
      fromBlock: period.fromBlock,
      toBlock: period.toBlock,
      pool,
      user: r.user,
      address: r.address,
      basePpb: r.basePpb,
      taxPaid: r.taxPaid,
      taxReceived: r.taxReceived,
      amount: r.amount,
      batch: null,
      extrinsicHash: null,
      blockNumber: null,
      blockHash: null,
      note: [r.reason, carryNote(r.carriedIn, history.lastClosedPlan)].filter(Boolean).join('; '),
      delivered: null,
    }));
    const fingerprint = planFingerprint(draft);
    const planId = planIdFor(period.toBlock, fingerprint);
    const rows = draft.map((r) => ({ ...r, planId }));
    await writePlanFile(args.workbook, { planId, fingerprint, rows });
    const outcome = await store.apply({ kind: 'replacePlan', rows: [...rows, ...history.carriedRows] });

    out.line(`Plan ${planId}: snapshots ${period.fromBlock}..${period.toBlock} (${result.countedSnapshots} counted` +
      `${result.skippedSnapshots.length ? `, ${result.skippedSnapshots.length} without nominator stake left out` : ''}), ` +
      `tax mode ${data.settings.taxMode}, ${describeCountFrom(data.settings.countFrom)} (Settings: Users count from ${data.settings.countFrom}).`);
    out.line(`Pool ${formatTao(pool)} TAO (${args.pool === 'accrued' ? 'accrued' : 'given'}; the delegate stake grew by ` +
      `${formatTao(period.accrued)} TAO over the period).`);
    for (const line of setup) out.line(line);
    out.line('');
    out.line(payoutTable(rows));
    out.line('');
    out.line(`${allocationSentence(pool, result.allocated)} To send: ${formatTao(result.toSend)} TAO; carried: ${formatTao(result.carried)} TAO.`);
    out.line(outcome === 'written'
      ? `Written to Payouts in ${args.workbook}. ${args.fromMenu ? 'Check it; the menu asks next whether to pay it.' : 'Check it, then run valtrac fund (it moves what the payout coldkey lacks from your take) and valtrac confirm.'}`
      : `${args.workbook} is open in an editor: the plan waits in the journal and is written when it is closed.`);
    // The Snapshots sheet shows the users' stake the plan counted (after a user added mid-period, or a changed rule).
    await restateUsersStake(store, recordsDir(args.workbook), countFrom, (line) => out.line(line), period.usersStake, data);
    await notifyPlanReady(api, data.settings, { planId, fromBlock: period.fromBlock, toBlock: period.toBlock, payments: rows.filter((r) => r.status === 'planned').length, toSend: result.toSend, carried: result.carried });
  } finally {
    if (api) await release(api);
  }
}

interface Period {
  snapshots: PeriodShares;
  fromBlock: number;
  toBlock: number;
  /** The snapshot the accrued pool is measured from: the end of the last paid period, or the period's first. */
  baseline: number;
  accrued: Rao;
  /** The users' stake the rule counts at each of the period's snapshots, for the Snapshots sheet. */
  usersStake: Map<number, Rao>;
}

/**
 * The validator-setup check before an accrued pool is paid: refused while the owner holds stake of their own on the
 * hotkey (its staking rewards are in the accrued pool), unless the person says to pay them out anyway.
 */
async function checkSetup(workbook: string, period: Period, includeOwnerRewards: boolean): Promise<string[]> {
  const dir = recordsDir(workbook);
  const estimate = estimateValidatorSetup(await readRecord(dir, period.baseline), await readRecord(dir, period.toBlock));
  const lines = describeSetup(estimate);
  if (estimate.verdict !== 'own-stake' || includeOwnerRewards) return lines;
  throw new UserError(
    `plan --pool accrued refused, nothing was written:\n${lines.join('\n')}\n` +
      'To pay the accrued pool anyway, owner rewards included: valtrac plan --pool accrued --include-owner-rewards',
  );
}

/** The snapshots after the last closed period up to the newest (or --to-block), with the delegate stake's growth. */
async function loadPeriod(
  workbook: string,
  users: readonly User[],
  countFrom: ReadonlyMap<string, number>,
  closedThrough: number | null,
  toBlock: number | undefined,
): Promise<Period> {
  const dir = recordsDir(workbook);
  const recorded = await listRecords(dir);
  const blocks = recorded.filter(
    (b) => (closedThrough === null || b > closedThrough) && (toBlock === undefined || b <= toBlock),
  );
  if (blocks.length === 0) {
    throw new UserError(
      `no snapshots in the period (${closedThrough === null ? 'from the start' : `after block ${closedThrough}, the end of the last payout`}` +
        `${toBlock === undefined ? '' : ` up to block ${toBlock}`}) in ${dir}: run valtrac snapshot and plan again later`,
    );
  }
  const snapshots = new PeriodShares(users, countFrom);
  const delegate = new Map<number, Rao>();
  const usersStake = new Map<number, Rao>();
  const from = closedThrough ?? blocks[0]!;
  const read = recorded.filter((b) => b >= from && b <= blocks[blocks.length - 1]!);
  for await (const s of readPeriodByUser(dir, read, snapshots.groups, snapshots.wholeFrom)) {
    delegate.set(s.block, s.delegateStake);
    if (closedThrough !== null && s.block <= closedThrough) continue;
    const counted = s.byUser ? snapshots.addUserStakes(s.block, s.nominatorStake, s.byUser) : snapshots.addStakes(s.block, s.nominatorStake, s.byColdkey);
    usersStake.set(s.block, counted);
  }
  const first = blocks[0]!;
  const last = blocks[blocks.length - 1]!;
  // the baseline is the last snapshot of the previous period when it is still on record
  const baseline = closedThrough !== null && delegate.has(closedThrough) ? closedThrough : first;
  return { snapshots, fromBlock: first, toBlock: last, baseline, accrued: delegate.get(last)! - delegate.get(baseline)!, usersStake };
}

function choosePool(text: string, accrued: Rao): Rao {
  const pool = text.trim() === 'accrued' ? accrued : parseTao(text);
  if (pool === null) throw new UserError(`--pool must be a TAO amount like 12.5 (at most 9 decimals) or "accrued", not "${text}"`);
  if (pool > MAX_POOL) {
    throw new UserError(`--pool ${formatTao(pool)} TAO is more than the total TAO supply (21,000,000): check the amount`);
  }
  if (pool <= 0n) {
    throw new UserError(
      text.trim() === 'accrued'
        ? `the pool is not positive: the delegate stake grew by ${formatTao(accrued)} TAO over the period; give --pool TAO`
        : `--pool must be more than 0 TAO, not ${formatTao(pool)}`,
    );
  }
  return pool;
}

async function existingAccounts(api: ApiPromise, addresses: string[]): Promise<Set<string>> {
  const states = await accountStates(api, addresses);
  return new Set(addresses.filter((_, i) => states[i]!.exists));
}
