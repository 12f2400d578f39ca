/**
 * `npm run bench`: ValTrac at a big validator's size (issue 6). Builds the seeded scenario once (cached in the OS temp
 * folder), starts the test chain, measures each piece several times in fresh processes and prints one table.
 * Options: --runs N (default 3), --seed S (default 1), --skip-python (leave out the slow one-transfer-per-user run),
 * --only SECTION (snapshot, workbook, watcher, plan, confirm, Python).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureBenchState, OPEN_WEEKS, workbookOn, type BenchState } from './fixtures.js';
import { ChainHost } from './host.js';
import { dirBytes, repeat, runCli, runTask, type Row, type Sample } from './measure.js';
import { blockOf } from './scenario.js';
import { measureConfirm, measurePythonTransfers } from './transfers.js';
import { measureWatcher } from './watcher.js';
import { archiveDir } from '../workbook/archive.js';


function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const seed = option('seed', 1);
const runs = option('runs', 3);
const skipPython = process.argv.includes('--skip-python');
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt > 0 ? process.argv[onlyAt + 1]! : null;
const log = (line: string) => console.error(line);
const rows: Row[] = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'valtrac-bench-run-'));

/** A private copy of a bench workbook (and an empty records folder with the shared coldkey dictionary). */
function copyOf(workbook: string, name: string): { workbook: string; records: string } {
  const dir = fs.mkdtempSync(path.join(work, `${name}-`));
  const copy = path.join(dir, 'valtrac.xlsx');
  fs.copyFileSync(workbook, copy);
  const records = path.join(dir, 'snapshots');
  fs.mkdirSync(records);
  const dictionary = path.join(path.dirname(workbook), 'snapshots', 'coldkeys.txt');
  if (fs.existsSync(dictionary)) fs.copyFileSync(dictionary, path.join(records, 'coldkeys.txt'));
  return { workbook: copy, records };
}

function add(what: string, sample: Sample & { runs?: number }, detail: string, target?: { text: string; limitMs?: number; rssMb?: number }) {
  const met = target?.limitMs === undefined ? undefined : sample.ms < target.limitMs && (target.rssMb === undefined || sample.rssMb < target.rssMb);
  rows.push({ what, ms: sample.ms, rssMb: sample.rssMb, runs: sample.runs, detail, target: target?.text, met });
  log(`bench:   ${what}: ${sample.ms.toFixed(0)} ms, ${sample.rssMb.toFixed(0)} MB; ${detail}`);
}

/** A section that fails becomes a row saying so; the rest of the table is still measured and printed. */
async function section(name: string, work: () => Promise<void>): Promise<void> {
  if (only !== null && !name.startsWith(only)) return;
  log(`bench: ${name}`);
  try {
    await work();
  } catch (error) {
    rows.push({ what: name, detail: `FAILED: ${(error as Error).message.split('\n')[0]}`, target: 'measured', met: false });
    log(`bench: ${name} FAILED: ${(error as Error).stack}`);
  }
}

async function measureWorkbook(state: BenchState) {
  const opened: Array<[string, string, number]> = [
    ['day one', state.freshWorkbook, runs],
    ['after a year, paid periods archived', state.yearWorkbook, runs],
    ['after a year, without archiving', state.unarchivedWorkbook, 1],
  ];
  for (const [label, file, times] of opened) {
    const s = await repeat(times, () => runTask('openValidate', { workbook: file }));
    add(`workbook open + validate (${label})`, s, `${s.details.users} users, ${s.details.snapshots} snapshot rows, ${s.details.payouts} payout rows, ${s.details.problems} problems`, { text: '< 3 s', limitMs: 3000 });
  }
  for (const [label, file] of [['day one', state.freshWorkbook], ['after a year', state.yearWorkbook]] as const) {
    const s = await repeat(runs, () => {
      const copy = copyOf(file, 'append');
      return runTask('appendSnapshot', { workbook: copy.workbook, records: copy.records, seed, index: state.scenario.size.snapshots });
    });
    add(`append one snapshot (${label})`, s, `record ${(s.details.recordMs as number).toFixed(0)} ms + Snapshots row ${(s.details.rowMs as number).toFixed(0)} ms (whole workbook rewritten)`);
  }
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const archive = dirBytes(archiveDir(state.yearWorkbook));
  const records = dirBytes(state.records);
  rows.push({
    what: 'size after a simulated year',
    detail: `workbook ${mb(fs.statSync(state.yearWorkbook).size)} (${mb(fs.statSync(state.unarchivedWorkbook).size)} without archiving); ` +
      `archive ${mb(archive.bytes)} in ${archive.files} files; snapshot records ${mb(records.bytes)} in ${records.files} files ` +
      `(${(records.bytes / records.files / 1e3).toFixed(1)} kB per snapshot)`,
  });
}

async function measureSnapshot(state: BenchState, host: ChainHost) {
  // The simulated node builds its first DelegateInfo answer slowly; that is the test chain's cost, not ValTrac's.
  await runTask('readValidator', { url: host.url, hotkey: state.scenario.hotkey }, host);
  const s = await repeat(runs, () => runTask('readValidator', { url: host.url, hotkey: state.scenario.hotkey }, host));
  add('snapshot: read the 5,000-nominator hotkey', s, `${s.details.nominators} nominators, ${s.details.requests} RPC requests (DelegateInfo runtime API); ValTrac's own CPU ${(s.details.cpuMs as number).toFixed(0)} ms, the rest of the wall time is the simulated node building its answer`, { text: '< 2 s', limitMs: 2000 });
  const cli = await repeat(runs, async () => {
    const copy = copyOf(state.freshWorkbook, 'snapshot');
    const before = Number(await host.ask('count'));
    const result = await runCli(['snapshot', '--once', '--network', host.url, '--workbook', copy.workbook]);
    if (result.code !== 0) throw new Error(`valtrac snapshot failed: ${result.stderr}`);
    return { ...result, details: { requests: Number(await host.ask('count')) - before } };
  });
  add('valtrac snapshot --once (process start, connect, read, record, row)', cli, `${cli.details.requests} RPC requests in all, day-one workbook`);
}

/** `valtrac plan` on a private copy of `template` (with its archive), for the snapshots up to `toBlock`. */
function planRun(state: BenchState, template: string, toBlock: number) {
  return repeat(runs, async () => {
    const dir = fs.mkdtempSync(path.join(work, 'plan-run-'));
    const copy = path.join(dir, 'valtrac.xlsx');
    fs.copyFileSync(template, copy);
    fs.cpSync(archiveDir(template), archiveDir(copy), { recursive: true });
    fs.symlinkSync(state.records, path.join(dir, 'snapshots'));
    const result = await runCli(['plan', '--workbook', copy, '--pool', '50', '--to-block', String(toBlock)]);
    if (result.code !== 0) throw new Error(`valtrac plan failed: ${result.stderr}`);
    return result;
  });
}

async function measurePlans(state: BenchState, host: ChainHost) {
  const perWeek = state.scenario.size.snapshotsPerPayout;
  const weeks = Math.floor(state.scenario.size.snapshots / perWeek);
  const end = blockOf(weeks * perWeek - 1);
  for (const periodWeeks of OPEN_WEEKS) {
    const [label, target] = periodWeeks === 1 ? ['one week', { text: '< 1 s, RSS < 300 MB', limitMs: 1000, rssMb: 300 }] : [`${periodWeeks} weeks`, undefined];
    const template = await workbookOn(state, state.openPeriod(periodWeeks), host.url, path.join(work, `plan-${periodWeeks}`));
    if (periodWeeks === 1) {
      // The same command over the period's first snapshot only: what every plan costs whatever the period's length.
      const floor = await planRun(state, template, blockOf((weeks - 1) * perWeek));
      add('valtrac plan over 1 snapshot (the fixed part: start-up, workbook, node)', floor, 'process start to exit, same workbook and node: Node and module start-up, connection, workbook read and write');
    }
    const s = await planRun(state, template, end);
    add(`valtrac plan over ${label} (${periodWeeks * perWeek} snapshots, at the end of a year)`, s, 'process start to exit: workbook read, records averaged, accounts checked, plan written', target);
    const from = blockOf((weeks - periodWeeks) * perWeek);
    const records = state.records;
    const ours = await repeat(runs, () => runTask('averagePeriod', { records, from, to: end, seed }));
    add(`  averaging ${label}: the period's records only`, ours, `${ours.details.snapshots} snapshots read + payout math`);
    const python = await repeat(periodWeeks > 1 ? 1 : runs, () => runTask('averagePython', { records, from, to: end, seed }));
    add(`  averaging ${label}: Python ValTrac's way (every record from the start)`, python, `${python.details.snapshots} snapshots used of ${state.scenario.size.snapshots} read`);
  }
}

function table(): string {
  const fmt = (ms?: number) => (ms === undefined ? '' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
  const header = ['measurement', 'median', 'runs', 'peak RSS', 'target', 'met', 'detail'];
  const body = rows.map((r) => [r.what, fmt(r.ms), r.runs?.toString() ?? '', r.rssMb === undefined ? '' : `${r.rssMb.toFixed(0)} MB`, r.target ?? '', r.met === undefined ? '' : r.met ? 'met' : 'NOT met', r.detail]);
  const lines = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

const state = await ensureBenchState(seed, log);
log(`bench: scenario seed ${seed}: ${state.scenario.nominators.length} nominators, ${state.scenario.users.length} users, ${state.scenario.referrals.length} referrals, ${state.scenario.size.snapshots} snapshots; ${runs} runs each`);
const host = await ChainHost.start(seed, 100);
try {
  await section('snapshot', () => measureSnapshot(state, host));
  await section('workbook', () => measureWorkbook(state));
  for (const [label, file] of [['day one', state.freshWorkbook], ['after a year', state.yearWorkbook]] as const) {
    await section(`watcher (${label})`, async () => {
      const s = await repeat(runs, () => measureWatcher(copyOf(file, 'watch').workbook));
      add(`watcher: save -> problems written back (${label})`, s, `${s.details.problem}`, { text: '< 2 s', limitMs: 2000 });
    });
  }
  await section('plan', () => measurePlans(state, host));
  await section('confirm', async () => {
    for (const r of await measureConfirm(state.scenario, host)) rows.push(r);
  });
  if (!skipPython) await section("Python ValTrac's one transfer per user", async () => void rows.push(await measurePythonTransfers(state.scenario, host, log)));
} finally {
  await host.close();
  fs.rmSync(work, { recursive: true, force: true });
}
console.log(`ValTrac bench, seed ${seed}, ${os.cpus().length} cores, load average ${os.loadavg()[0]!.toFixed(1)} at the end, Node ${process.version}, ${new Date().toISOString()}\n`);
console.log(table());
