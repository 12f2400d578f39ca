import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { finalizedHead } from '../chain/blocks.js';
import { connect } from '../chain/connect.js';
import { newestVerifiedSpec } from '../chain/knownRuntime.js';
import { checkRuntime } from '../chain/runtimeGuard.js';
import { resolveNetwork } from '../chain/networks.js';
import { accountStates } from '../chain/transfer.js';
import { openPlan, snapshotGaps, type StatusFacts } from '../domain/health.js';
import { missingSettings, settingPlace } from '../domain/settings.js';
import { currentPeriod } from '../domain/stats.js';
import { formatTao } from '../domain/tao.js';
import { describeSetup, estimateValidatorSetup, type SetupEstimate } from '../domain/validatorSetup.js';
import { payoutHistory } from '../domain/period.js';
import { UserError } from '../util/errors.js';
import { logTail, processStates, SNAPSHOTTER, WATCHER, withPm2 } from '../util/pm2.js';
import { listRecords, readRecord, recordsDir } from '../workbook/records.js';
import { editorLocks } from '../workbook/editorLock.js';
import { WorkbookStore } from '../workbook/store.js';
import { chosenNetwork, networkOption, type NetworkArgs, type WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

type StatusArgs = WorkbookArgs & NetworkArgs;

export function builder(yargs: Argv<WorkbookArgs>): Argv<StatusArgs> {
  return networkOption(yargs).example('valtrac status', '').example('valtrac doctor', 'the same, as checks with fixes');
}

export async function handler(argv: ArgumentsCamelCase<StatusArgs>): Promise<void> {
  out.line(statusReport(await gatherStatus(argv.workbook, argv)));
}

/** How long status waits for a node before calling it unreachable. */
const NODE_TIMEOUT_MS = 5_000;

/** Reads everything status and doctor report: the workbook, its records, pm2 and the node. Nothing is written. */
export async function gatherStatus(workbook: string, args: NetworkArgs): Promise<StatusFacts> {
  const store = new WorkbookStore(workbook);
  const parsed = await store.readParsed();
  const { data, settingsCells: cells } = parsed;
  const { network, argument } = chosenNetwork(args, data.settings, cells);
  const target = resolveNetwork(network, argument);
  const dir = recordsDir(workbook);
  const records = await listRecords(dir);
  const plan = openPlan(data.payouts);
  let accrued: bigint | null = null;
  let closedThrough: number | null = null;
  try {
    accrued = currentPeriod(data.snapshots, data.payouts)?.poolAccrued ?? null;
    closedThrough = payoutHistory(data.payouts).closedThrough;
  } catch (error) {
    if (!(error instanceof UserError)) throw error; // a partly paid plan: the open plan says so
  }

  const facts: StatusFacts = {
    workbook,
    processes: await pm2Processes(workbook),
    node: { url: target.url, name: target.name, place: argument, ok: false, error: 'not asked' },
    missing: missingSettings(data.settings, cells),
    interval: data.settings.snapshotInterval,
    intervalPlace: settingPlace('snapshotInterval', cells.snapshotInterval),
    records,
    lastSnapshotTime: data.snapshots.length ? data.snapshots.reduce((a, b) => (b.block > a.block ? b : a)).time : null,
    escrowStake: data.snapshots.length ? (data.snapshots.reduce((a, b) => (b.block > a.block ? b : a)).escrowStake ?? null) : null,
    problems: parsed.problems,
    journal: { pending: store.journal.pending().length, editorLocks: editorLocks(store.path).map((lock) => lock.path) },
    plan,
    accrued,
    payer: data.settings.payoutColdkey
      ? { address: data.settings.payoutColdkey, place: settingPlace('payoutColdkey', cells.payoutColdkey), free: null, existentialDeposit: null }
      : null,
    setup: await setupEstimate(dir, records, closedThrough),
  };
  try {
    const api = await connect(network, { argument, giveUpAfterMs: NODE_TIMEOUT_MS, log: () => undefined });
    try {
      const head = await finalizedHead(api);
      const runtime = `${api.runtimeVersion.specName.toString()} spec ${api.runtimeVersion.specVersion.toString()}`;
      const check = checkRuntime(api, data.settings);
      const guard = { spec: check.spec, differences: check.differences.map((d) => d.text), accepted: check.accepted, verifiedUpTo: newestVerifiedSpec() };
      facts.node = { ...facts.node, ok: true, runtime, finalized: head.number, guard };
      if (facts.payer) {
        facts.payer.free = (await accountStates(api, [facts.payer.address]))[0]!.free;
        facts.payer.existentialDeposit = (api.consts.balances!.existentialDeposit as unknown as { toBigInt(): bigint }).toBigInt();
      }
    } finally {
      await api.disconnect();
    }
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    facts.node = { url: target.url, name: target.name, place: argument, ok: false, error: error.message.replace(/\.$/, '') };
  }
  return facts;
}

/** pm2's view of ValTrac's processes, or null when no pm2 daemon runs (connecting would start one). */
async function pm2Processes(workbook: string): Promise<StatusFacts['processes']> {
  const home = process.env.PM2_HOME ?? path.join(os.homedir(), '.pm2');
  if (!fs.existsSync(path.join(home, 'rpc.sock'))) return null;
  const states = await withPm2((client) => processStates(client, [WATCHER, SNAPSHOTTER], workbook));
  return states.map((s) => ({ name: s.name, status: s.status, restarts: s.restarts, lastError: logTail(s.errorLog, 1)[0] ?? null, elsewhere: s.elsewhere }));
}

/**
 * The validator-setup estimate over the current period (from the last paid period's end, or the first record); from
 * the first snapshot on, so that a period of one says it cannot tell yet rather than leaving the check out.
 */
export async function setupEstimate(dir: string, records: number[], closedThrough: number | null): Promise<SetupEstimate | null> {
  const from = closedThrough !== null && records.includes(closedThrough) ? closedThrough : records.find((b) => closedThrough === null || b > closedThrough);
  const to = records.at(-1);
  if (from === undefined || to === undefined || to < from) return null;
  return estimateValidatorSetup(await readRecord(dir, from), await readRecord(dir, to));
}

export function statusReport(f: StatusFacts): string {
  const lines: Array<[string, string]> = [];
  const processes =
    f.processes === null
      ? 'pm2 is not running (npm start starts the watcher and the snapshotter)'
      : f.processes
          .map((p) => `${p.name} ${p.status ?? (p.elsewhere?.length ? `not started for this workbook (the one pm2 runs serves ${p.elsewhere!.join(', ')})` : 'not started')}${p.restarts ? ` (${p.restarts} restarts)` : ''}` +
            (p.status !== 'online' || p.restarts ? (p.lastError ? `, last error: ${p.lastError}` : '') : ''))
          .join('; ');
  lines.push(['Processes', processes]);
  lines.push(['Node', f.node.ok ? `${f.node.url} (${f.node.place}): ${f.node.runtime}, finalized block ${f.node.finalized}` : `${f.node.url} (${f.node.place}) unreachable: ${f.node.error}`]);
  const g = f.node.ok ? f.node.guard : undefined;
  if (g) {
    lines.push([
      'Runtime',
      g.differences.length === 0
        ? `spec ${g.spec}: as verified (up to spec ${g.verifiedUpTo})`
        : `spec ${g.spec} differs from what ValTrac was verified on (up to spec ${g.verifiedUpTo})` +
          `${g.accepted ? ', accepted by the owner' : `; plan and confirm refuse it until accepted (--accept-runtime ${g.spec})`}: ${g.differences.join('; ')}`,
    ]);
  }
  if (f.missing.length) lines.push(['Settings', f.missing.map((m) => `${m.place} is empty (${m.neededBy} needs it)`).join('; ')]);
  const last = f.records.at(-1);
  const gaps = snapshotGaps(f.records, f.interval);
  lines.push([
    'Snapshots',
    last === undefined
      ? `none yet; every ${f.interval} blocks once the snapshotter runs (valtrac snapshot --once takes one now)`
      : `${f.records.length} recorded, the last at block ${last}${f.lastSnapshotTime ? ` (${f.lastSnapshotTime.toISOString()})` : ''}, ` +
        `the next at block ${(Math.floor(last / f.interval) + 1) * f.interval} (every ${f.interval})` +
        (gaps.length ? `; ${gaps.reduce((n, g) => n + g.missing, 0)} missing in ${gaps.length} gap(s)` : '; no gaps'),
  ]);
  if (f.escrowStake != null) {
    lines.push(['Basket escrow', `${formatTao(f.escrowStake)} TAO on the hotkey at the last snapshot: subtensor's basket escrow, never a nominator (left out of the nominator stake)`]);
  }
  lines.push(['Problems', f.problems.length === 0 ? 'none' : `${f.problems.length}, first ${f.problems[0]!.sheet}!${f.problems[0]!.cell}: ${f.problems[0]!.message} (valtrac check lists them)`]);
  lines.push([
    'Journal',
    f.journal.pending === 0
      ? 'empty'
      : `${f.journal.pending} change(s) waiting${f.journal.editorLocks.length ? `: the workbook is open in an editor (${f.journal.editorLocks.join(', ')})` : ' (run valtrac check to write them)'}`,
  ]);
  lines.push([
    'Plan',
    f.plan
      ? `${f.plan.planId} (blocks ${f.plan.fromBlock}–${f.plan.toBlock}): ${f.plan.payments} payment(s), ${formatTao(f.plan.toSend)} TAO to send` +
        `${f.plan.sent ? `, ${f.plan.sent} sent and not settled` : ''}${f.plan.carried ? `, ${f.plan.carried} carried` : ''}`
      : `none open${f.accrued !== null ? `; the pool accrued since the last payout is ${formatTao(f.accrued)} TAO` : ''}`,
  ]);
  if (f.payer) {
    const due = f.plan ? `the open plan sends ${formatTao(f.plan.toSend)} TAO` : f.accrued !== null ? `the pool so far is ${formatTao(f.accrued)} TAO` : 'nothing is due yet';
    lines.push(['Payout key', `${f.payer.address}: ${f.payer.free === null ? 'balance unknown (node unreachable)' : `${formatTao(f.payer.free)} TAO free`}; ${due}`]);
  }
  if (f.setup) lines.push(['Setup', describeSetup(f.setup).join(' ').replace(/^validator setup: /, '')]);
  const width = Math.max(...lines.map(([k]) => k.length));
  return [`ValTrac status: ${f.workbook}`, ...lines.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`)].join('\n');
}
