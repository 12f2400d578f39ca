import { describeSetup, type SetupEstimate } from './validatorSetup.js';
import { formatTao } from './tao.js';
import type { PayoutRow, Problem, Rao } from './types.js';

/** Everything `status` shows and `doctor` checks, gathered once (src/commands/status.ts). */
/** The runtime compared with the known-runtime table (chain/knownRuntime.ts). */
export interface RuntimeGuardFacts {
  spec: number;
  /** One line per difference; empty when the runtime matches. */
  differences: string[];
  /** The owner accepted this spec (Settings "Accepted runtime spec"). */
  accepted: boolean;
  verifiedUpTo: number;
}

export interface StatusFacts {
  workbook: string;
  /** null when no pm2 daemon runs for this user. */
  processes: Array<{ name: string; status: string | null; restarts: number; lastError: string | null; elsewhere?: string[] }> | null;
  node: { url: string; name: string; place: string } & ({ ok: true; runtime: string; finalized: number; guard?: RuntimeGuardFacts } | { ok: false; error: string });
  missing: Array<{ place: string; neededBy: string; command: string }>;
  interval: number;
  intervalPlace: string;
  /** Recorded snapshot blocks, ascending. */
  records: number[];
  lastSnapshotTime: Date | null;
  /** The basket escrow's stake at the newest snapshot (Snapshots sheet); null when it held nothing on the hotkey. */
  escrowStake?: Rao | null;
  problems: Problem[];
  journal: { pending: number; editorLocks: string[] };
  plan: OpenPlan | null;
  /** The pool accrued since the last paid payout, from the Snapshots sheet (null without a snapshot in the period). */
  accrued: Rao | null;
  payer: { address: string; place: string; free: Rao | null; existentialDeposit: Rao | null } | null;
  setup: SetupEstimate | null;
}

export interface OpenPlan {
  planId: string;
  fromBlock: number;
  toBlock: number;
  /** planned and failed rows: what confirm will send. */
  payments: number;
  toSend: Rao;
  sent: number;
  carried: number;
}

/** The newest plan that is not fully paid, from the Payouts rows; null when every plan is paid (or there is none). */
export function openPlan(rows: readonly PayoutRow[]): OpenPlan | null {
  const plans = new Map<string, PayoutRow[]>();
  for (const row of rows) plans.set(row.planId, [...(plans.get(row.planId) ?? []), row]);
  let open: OpenPlan | null = null;
  for (const [planId, planRows] of plans) {
    const due = planRows.filter((r) => r.status === 'planned' || r.status === 'failed');
    const sent = planRows.filter((r) => r.status === 'sent').length;
    if (due.length === 0 && sent === 0) continue;
    const toBlock = Math.max(...planRows.map((r) => r.toBlock));
    if (open && open.toBlock >= toBlock) continue;
    open = {
      planId,
      fromBlock: Math.min(...planRows.map((r) => r.fromBlock)),
      toBlock,
      payments: due.length,
      toSend: due.reduce((sum, r) => sum + r.amount, 0n),
      sent,
      carried: planRows.filter((r) => r.status === 'carried').length,
    };
  }
  return open;
}

/** Runs of grid snapshots missing between consecutive records (records further apart than one interval). */
export function snapshotGaps(blocks: readonly number[], interval: number): Array<{ after: number; before: number; missing: number }> {
  const gaps: Array<{ after: number; before: number; missing: number }> = [];
  for (let i = 1; i < blocks.length; i++) {
    const missing = Math.ceil((blocks[i]! - blocks[i - 1]!) / interval) - 1;
    if (missing > 0) gaps.push({ after: blocks[i - 1]!, before: blocks[i]!, missing });
  }
  return gaps;
}

export interface Check {
  level: 'ok' | 'warn' | 'fail';
  /** What was checked and what was found. */
  finding: string;
  /** What to do; absent when nothing is to be done. */
  fix?: string;
}

/** `doctor`: every fact turned into a check, in the order a new owner meets them. */
export function healthChecks(f: StatusFacts): Check[] {
  const checks: Check[] = [];
  const add = (level: Check['level'], finding: string, fix?: string) => checks.push(fix ? { level, finding, fix } : { level, finding });

  // plan and confirm refuse without these settings, so doctor fails (exit code 1) as they would.
  for (const m of f.missing) add('fail', `${m.place} is empty; ${m.neededBy} needs it.`, m.command);
  if (f.problems.length === 0) add('ok', 'The workbook has no problems.');
  else {
    const first = f.problems[0]!;
    add('fail', `The workbook has ${f.problems.length} problem(s); plan and confirm refuse until they are fixed. First: ${first.sheet}!${first.cell}: ${first.message}`, `${first.fix} (valtrac check lists them all; they are red in the workbook and listed in its Problems sheet)`);
  }
  if (f.journal.pending > 0) {
    const why = f.journal.editorLocks.length
      ? `the workbook is open in an editor (${f.journal.editorLocks.join(', ')})`
      : 'no editor holds the workbook now';
    add('warn', `${f.journal.pending} change(s) wait in the journal: ${why}.`, f.journal.editorLocks.length
      ? 'Close the workbook in Excel/LibreOffice; if no editor runs, delete that lock file. The changes are written then.'
      : 'Run valtrac check to write them.');
  }

  if (f.processes === null) add('fail', 'pm2 is not running, so nothing records snapshots or checks saves.', 'npm start');
  else {
    for (const p of f.processes) {
      if (p.status === 'online' && p.restarts === 0) add('ok', `${p.name} is online.`);
      else if (p.status === null && p.elsewhere?.length) {
        add('fail', `${p.name} runs for ${p.elsewhere.join(', ')}, not for this workbook (${f.workbook}): nothing ${p.name === 'valtrac-watch' ? 'checks its saves' : 'records its snapshots'}.`,
          "Start ValTrac for this workbook: npm start in this workbook's project folder.");
      } else {
        const state = p.status === null ? 'is not started' : `is ${p.status}${p.restarts ? ` after ${p.restarts} restart(s)` : ''}`;
        add(p.status === 'online' ? 'warn' : 'fail', `${p.name} ${state}${p.lastError ? `; its last error: ${p.lastError}` : ''}.`,
          p.status === null ? 'npm start' : `Read npx pm2 logs ${p.name}, fix what it says, then npm start.`);
      }
    }
  }

  if (f.node.ok) {
    add('ok', `The node ${f.node.url} (${f.node.place}) answers: ${f.node.runtime}, finalized block ${f.node.finalized}.`);
    const g = f.node.guard;
    if (g && g.differences.length) {
      const level = g.accepted ? 'warn' : 'fail';
      add(level, `The runtime (spec ${g.spec}) differs from what ValTrac was verified on (up to spec ${g.verifiedUpTo})` +
        (g.accepted ? ', and the owner accepted it:' : `, so plan and confirm refuse it:`),
        g.accepted ? undefined : `Check each change below, then accept this runtime: valtrac plan --accept-runtime ${g.spec} (recorded in Settings "Accepted runtime spec").`);
      for (const d of g.differences) add(level, `  ${d}`);
    }
  } else {
    add('fail', `The node ${f.node.url} (${f.node.place}) does not answer: ${f.node.error}.`,
      `Start the node, or point ${f.node.place} at another one: valtrac settings set network NAME-OR-URL (finney, archive, ws://host:9944, ...)`);
  }

  const last = f.records.at(-1);
  if (last === undefined) add('warn', 'No snapshot is recorded yet.', 'valtrac snapshot --once (the snapshotter under npm start also takes one as soon as it runs)');
  else if (f.node.ok && f.node.finalized - last > 2 * f.interval) {
    add('fail', `The last snapshot is block ${last}, ${f.node.finalized - last} blocks behind the node (the interval in ${f.intervalPlace} is ${f.interval}).`,
      'Check the snapshotter: npx pm2 logs valtrac-snapshot (or run valtrac snapshot --once now).');
  } else add('ok', `${f.records.length} snapshot(s) recorded, the last at block ${last}.`);
  const gaps = snapshotGaps(f.records, f.interval);
  if (gaps.length > 0) {
    const missing = gaps.reduce((n, g) => n + g.missing, 0);
    add('warn', `${missing} snapshot(s) are missing in ${gaps.length} gap(s), e.g. between blocks ${gaps[0]!.after} and ${gaps[0]!.before}.`,
      'Fill them from an archive node: valtrac snapshot --backfill --network archive (or accept them: payouts average over the snapshots that exist).');
  }

  if (f.setup) {
    const lines = describeSetup(f.setup);
    // own-stake is where plan --pool accrued (plan's default) refuses: a failed check, so doctor exits 1 as plan would.
    const level = f.setup.verdict === 'own-stake' ? 'fail' : f.setup.verdict === 'unknown' ? 'warn' : 'ok';
    add(level, lines.slice(0, 2).join(' '), f.setup.verdict === 'own-stake' ? lines[2]!.replace(/^Fix: /, '') : undefined);
  }

  if (f.plan) {
    add('warn', `Plan ${f.plan.planId} (blocks ${f.plan.fromBlock}–${f.plan.toBlock}) waits: ${f.plan.payments} payment(s), ${formatTao(f.plan.toSend)} TAO${f.plan.sent ? `, ${f.plan.sent} sent and not yet settled` : ''}.`,
      'valtrac confirm --dry-run to see the batches and fees, then valtrac confirm (or menu choice 2).');
  }
  if (f.payer && f.payer.free !== null) {
    const due = f.plan?.toSend ?? f.accrued ?? 0n;
    const needed = due + (f.payer.existentialDeposit ?? 0n);
    const what = f.plan ? `plan ${f.plan.planId} sends ${formatTao(due)} TAO` : `the pool accrued so far is ${formatTao(due)} TAO`;
    if (f.payer.free < needed) {
      add('fail', `The payout coldkey ${f.payer.address} has ${formatTao(f.payer.free)} TAO free; ${what} (plus fees and the existential deposit).`,
        `valtrac fund moves what is missing from the owner's take (or send TAO to ${f.payer.address} (${f.payer.place})) before confirm.`);
    } else add('ok', `The payout coldkey has ${formatTao(f.payer.free)} TAO free; ${what}.`);
  }
  return checks;
}
