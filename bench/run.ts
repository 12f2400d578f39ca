/**
 * `npm run bench`: ValTrac at a big validator's size. Builds the seeded scenario once (cached in the OS temp folder),
 * starts the simulated node and a real subtensor runtime (spec 300 under chopsticks), measures each piece several
 * times in fresh processes and prints one table. `npm run bench -- --help` lists the options.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { applyChange } from '../src/workbook/changes.js';
import { createWorkbook } from '../src/workbook/layout.js';
import { archiveDir } from '../src/workbook/archive.js';
import { WorkbookStore } from '../src/workbook/store.js';
import { STAKES_FILE } from '../src/workbook/periodStakes.js';
import { ensureBenchState, OPEN_WEEKS, workbookOn, type BenchState } from './fixtures.js';
import { ChainHost, REPO } from './host.js';
import { dirBytes, peakRssMb, repeat, runCli, runNode, runTask, type Row, type Sample } from './measure.js';
import { RpcProxy } from './rpcProxy.js';
import { blockOf } from './scenario.js';
import { measureWatcher } from './watcher.js';

const HELP = `npm run bench -- [options]

Measures ValTrac at a big validator's size (5,000 nominators, 500 users, a year of hourly snapshots) on the simulated
node and on a real subtensor runtime (spec 300 under chopsticks), and prints one Markdown table: each row with its
median, runs, peak RSS of the process that did the work, target and met / NOT met. Every measurement runs in a fresh
process. The scenario is generated once per seed into $TMPDIR/valtrac-bench/ (VALTRAC_BENCH_DIR moves it).

Options:
  --runs N        runs per measurement (default 3; the table shows the median and the largest peak RSS)
  --seed S        scenario seed (default 1)
  --only NAME     only the sections whose name starts with NAME: startup, snapshot, growth, runtime, workbook,
                  watcher, plan, confirm, python (several: --only plan --only runtime)
  --skip-python   leave out the slow rows of the original tool's way (one transfer per user: about a minute; averaging
                  by reading every record: a few minutes)
  --skip-runtime  leave out the real-runtime rows (chopsticks takes a few minutes to start and seed)
  --help          this text`;

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(HELP);
  process.exit(0);
}

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const seed = option('seed', 1);
const runs = option('runs', 3);
const skipPython = process.argv.includes('--skip-python');
const skipRuntime = process.argv.includes('--skip-runtime');
const only = process.argv.flatMap((a, i) => (a === '--only' ? [process.argv[i + 1]!] : []));
const log = (line: string) => console.error(line);
const rows: Row[] = [];
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'valtrac-bench-run-'));
// The CLI's metadata cache for this run only: the first command fills it, as a first run on a machine does.
// Node's module compile cache too (the bin turns it on): a private folder, filled by this run's first command.
const cliEnv = { ...process.env, VALTRAC_CACHE_DIR: path.join(work, 'cache'), NODE_COMPILE_CACHE: path.join(work, 'compile-cache') };
const loadAtStart = os.loadavg()[0]!;

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

interface Target {
  text: string;
  limitMs?: number;
  rssMb?: number;
}

function add(what: string, sample: Sample & { runs?: number }, text: string, target?: Target) {
  const cpu = sample.details.cpuMs;
  const detail = typeof cpu === 'number' && !/CPU/.test(text) ? `${text}; CPU ${seconds(cpu)}` : text;
  const met = target?.limitMs === undefined ? undefined : sample.ms < target.limitMs && (target.rssMb === undefined || sample.rssMb < target.rssMb);
  rows.push({ what, ms: sample.ms, rssMb: sample.rssMb, runs: sample.runs, detail, target: target?.text, met });
  log(`bench:   ${what}: ${sample.ms.toFixed(0)} ms, ${sample.rssMb.toFixed(0)} MB; ${detail}`);
}

/** A section that fails becomes a row saying so; the rest of the table is still measured and printed. */
async function section(name: string, work: () => Promise<void>): Promise<void> {
  if (only.length > 0 && !only.some((o) => name.startsWith(o))) return;
  log(`bench: ${name} (load average ${os.loadavg()[0]!.toFixed(1)})`);
  try {
    await work();
  } catch (error) {
    rows.push({ what: name, detail: `FAILED: ${(error as Error).message.split('\n')[0]}`, target: 'measured', met: false });
    log(`bench: ${name} FAILED: ${(error as Error).stack}`);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ratio = (theirs: number, ours: number) => `${(theirs / ours).toFixed(1)}x ours`;

/** A node (simulated or real) behind the bench's counting proxy. */
interface Node {
  host: ChainHost;
  proxy: RpcProxy;
  url: string;
  hotkey: string;
  stats: () => { requests: number; busyMs: number };
  close: () => Promise<void>;
}

async function behindProxy(host: ChainHost): Promise<Node> {
  const proxy = await RpcProxy.start(host.url);
  return {
    host,
    proxy,
    url: proxy.url,
    hotkey: String(host.info.hotkey),
    stats: () => ({ requests: proxy.requests, busyMs: proxy.busyMs }),
    close: async () => {
      await proxy.close();
      await host.close();
    },
  };
}

/** Runs the CLI and returns the sample with the node's share of its wall time (requests and busy time). */
async function cliOn(node: Node, args: string[]): Promise<Sample & { code: number; stdout: string; stderr: string }> {
  const before = node.stats();
  const result = await runCli(args, cliEnv);
  const after = node.stats();
  if (result.code !== 0) throw new Error(`valtrac ${args[0]} failed (${result.code}): ${result.stderr || result.stdout}`);
  return { ...result, details: { ...result.details, requests: after.requests - before.requests, nodeMs: after.busyMs - before.busyMs, planId: planIdOf(result.stdout) } };
}

async function measureStartup(state: BenchState) {
  // The bin turns Node's module compile cache on: measured without it (as before) and with it filled by a first run.
  const uncached = { ...cliEnv, NODE_DISABLE_COMPILE_CACHE: '1' };
  await runCli(['--help'], cliEnv);
  const helpBefore = await repeat(runs, () => runCli(['--help'], uncached));
  add('valtrac --help, without the compile cache (before)', helpBefore, `process start to exit`);
  const help = await repeat(runs, () => runCli(['--help'], cliEnv));
  add('valtrac --help', help, `process start to exit, compile cache filled`, { text: '< 0.25 s', limitMs: 250 });
  // A small workbook: what init leaves, with three users.
  const small = path.join(fs.mkdtempSync(path.join(work, 'small-')), 'valtrac.xlsx');
  const book = createWorkbook({ hotkey: state.scenario.hotkey, network: 'local', snapshotInterval: 300, payoutColdkey: null, taxMode: 'base' });
  applyChange(book, { kind: 'addUsers', users: state.scenario.users.slice(0, 3).map((u) => ({ name: u.name, addresses: u.addresses })) }, true);
  await new WorkbookStore(small).create(book, false);
  await runCli(['check', '--workbook', small], cliEnv);
  const checkBefore = await repeat(runs, () => runCli(['check', '--workbook', small], uncached));
  add('valtrac check, small workbook (3 users), without the compile cache (before)', checkBefore, `process start to exit, no watcher running`);
  const alone = await repeat(runs, () => runCli(['check', '--workbook', small], cliEnv));
  add('valtrac check, small workbook (3 users), the CLI alone', alone, `process start to exit, no watcher running, compile cache filled`, { text: '< 0.5 s', limitMs: 500 });
  const day = await repeat(runs, () => runCli(['check', '--workbook', state.freshWorkbook], cliEnv));
  add('valtrac check, 500 users (day one), the CLI alone', day, 'process start to exit, no watcher running');
  await withWatcher(small, async (pid) => {
    const served = await repeat(runs, async () => ({ ...(await runCli(['check', '--workbook', small], cliEnv)), rssMb: peakRssMb(pid) }));
    add('valtrac check, small workbook, answered by the watcher', served, 'process start to exit of the CLI; peak RSS is the watcher\'s', { text: '< 0.5 s', limitMs: 500 });
  });
}

/** Runs `valtrac watch` on `workbook` (as pm2's valtrac-watch does) while `work` runs; passes its pid. */
async function withWatcher<T>(workbook: string, work: (pid: number) => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, [path.join(REPO, 'dist/cli.js'), 'watch', '--workbook', workbook], { env: cliEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (out += c));
  try {
    for (let waited = 0; !out.includes('answering plan'); waited += 50) {
      if (waited > 180_000 || child.exitCode !== null) throw new Error(`valtrac watch did not start answering: ${out}`);
      await sleep(50);
    }
    return await work(child.pid!);
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
  }
}

async function readValidatorOn(node: Node, label: string, target?: Target) {
  // A node's first DelegateInfo answer for a hotkey is its slowest (caches warm up): one unmeasured read first.
  await runTask('readValidator', { url: node.url, hotkey: node.hotkey }, () => node.stats());
  const s = await repeat(runs, () => runTask('readValidator', { url: node.url, hotkey: node.hotkey }, () => node.stats()));
  const nodeMs = s.details.nodeMs as number;
  const ours = s.ms - nodeMs;
  // The target is on ValTrac's own share; the node's is the simulator's or chopsticks' and is shown beside it.
  add(
    label,
    s,
    `${s.details.nominators} nominators, ${s.details.requests} RPC requests; the node answering ${seconds(nodeMs)}, ValTrac's own ` +
      `${seconds(ours)} (its CPU ${seconds(s.details.cpuMs as number)})`,
    target,
  );
  if (target) rows.at(-1)!.met = ours < target.limitMs!;
  return s;
}

async function measureSnapshot(state: BenchState, sim: Node) {
  await readValidatorOn(sim, 'snapshot: read the 5,000-nominator hotkey (simulator)', { text: "< 2 s (ValTrac's share)", limitMs: 2000 });
  const cli = await repeat(runs, () => cliOn(sim, ['snapshot', '--once', '--workbook', copyOf(state.freshWorkbook, 'snapshot').workbook, '--network', sim.url]));
  add('valtrac snapshot --once (simulator), the CLI alone', cli, `${cli.details.requests} RPC requests, the node answering ${seconds(cli.details.nodeMs as number)} of it; connect, read, record, Snapshots row, charts`, { text: '< 2 s', limitMs: 2000 });
  const watched = copyOf(state.freshWorkbook, 'snapshot-watched').workbook;
  await withWatcher(watched, async () => {
    const s = await repeat(runs, () => cliOn(sim, ['snapshot', '--once', '--workbook', watched, '--network', sim.url]));
    add('valtrac snapshot --once (simulator), with the watcher running', s, `${s.details.requests} RPC requests, the node answering ${seconds(s.details.nodeMs as number)} of it; the charts left to the watcher`, { text: '< 2 s', limitMs: 2000 });
  });
}

async function measureGrowth(sim: Node) {
  for (const nominators of [1_000, 5_000, 20_000]) {
    const node = nominators === 5_000 ? sim : await behindProxy(await ChainHost.start(seed, 100, nominators));
    try {
      await readValidatorOn(node, `  growth: snapshot read at ${nominators.toLocaleString('en')} nominators (simulator)`);
    } finally {
      if (node !== sim) await node.close();
    }
    const records = await repeat(1, () => runTask('recordSize', { seed, nominators, count: 64 }));
    add(
      `  growth: records at ${nominators.toLocaleString('en')} nominators (64 snapshots, one key frame)`,
      records,
      `${(Number(records.details.bytesPerSnapshot) / 1000).toFixed(1)} kB per snapshot, written in ${(records.details.writeMs as number).toFixed(1)} ms, ` +
        `read back for 2,000 coldkeys in ${records.ms.toFixed(2)} ms each (the time column); dictionary ${(Number(records.details.dictionary) / 1000).toFixed(0)} kB once`,
      nominators === 5_000 ? { text: '≤ 10 kB a snapshot' } : undefined,
    );
    if (nominators === 5_000) rows.at(-1)!.met = Number(records.details.bytesPerSnapshot) <= 10_000;
  }
}

async function measureRuntime(state: BenchState) {
  log('bench:   starting spec 300 under chopsticks and seeding the 5,000-nominator validator (a few minutes)');
  const started = performance.now();
  const node = await behindProxy(await ChainHost.startRuntime(seed, state.scenario.nominators.length));
  log(`bench:   real runtime ready in ${seconds(performance.now() - started)}: get_delegate lists ${node.host.info.nominators} nominators`);
  try {
    await readValidatorOn(node, 'snapshot: read the 5,000-nominator hotkey (real runtime, spec 300 under chopsticks)', { text: "< 2 s (ValTrac's share)", limitMs: 2000 });
    const copy = copyOf(state.freshWorkbook, 'runtime-snapshot');
    await new WorkbookStore(copy.workbook).apply({ kind: 'setSettings', settings: { hotkey: node.hotkey } });
    const cli = await repeat(1, () => cliOn(node, ['snapshot', '--once', '--workbook', copy.workbook, '--network', node.url]));
    add('valtrac snapshot --once (real runtime, whole process)', cli, `${cli.details.requests} RPC requests, chopsticks answering ${seconds(cli.details.nodeMs as number)} of it (it runs the runtime's wasm with storage served from JavaScript)`);
    const paid = await repeat(1, () => runTask('confirm', { url: node.url, seed }));
    addConfirm('confirm: pay 500 users (real runtime, spec 300)', paid, "chopsticks builds a block per transaction; the runtime's own weight and fee");
  } finally {
    await node.close();
  }
}

function addConfirm(what: string, s: Sample & { runs: number }, where: string) {
  const d = s.details as { extrinsics: number; blocks: number; blocksUntilIncluded: number; perBatch: string[]; fee: string };
  add(what, s, `${d.extrinsics} extrinsic(s) in ${d.blocks} block(s), included ${d.blocksUntilIncluded} block(s) after the best block at sending; ${d.perBatch.join('; ')}; ${where}`, { text: '1 extrinsic, 1 block' });
  rows.at(-1)!.met = d.extrinsics === 1 && d.blocks === 1;
  return d;
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
  const appendTo: Array<[string, string]> = [
    ['day one', state.freshWorkbook],
    ['after a year', state.yearWorkbook],
    ['after a year, without archiving', state.unarchivedWorkbook],
  ];
  for (const [label, file] of appendTo) {
    for (const whole of [true, false]) {
      const s = await repeat(runs, async () => {
        const copy = copyOf(file, 'append');
        // The fixture may predate this version's layout: one write (its own process, not measured) brings it up to
        // date, as the first write after an upgrade does, so the row measures the snapshotter's hourly append.
        await runTask('rewrite', { workbook: copy.workbook });
        // Without the record of what that write left, the store cannot tell the file is its own: the whole workbook
        // is written, as every append was before the in-place path.
        if (whole) fs.rmSync(path.join(path.dirname(copy.workbook), '.valtrac-writes.jsonl'));
        return runTask('appendSnapshot', { workbook: copy.workbook, records: copy.records, seed, index: state.scenario.size.snapshots });
      });
      const how = s.details.path === 'sheet' ? 'the Snapshots sheet, workbook and properties parts rewritten, the rest copied' : `whole workbook rewritten${s.details.fallback ? `: ${s.details.fallback}` : ''}`;
      const row = `record ${(s.details.recordMs as number).toFixed(0)} ms + Snapshots row ${(s.details.rowMs as number).toFixed(0)} ms (${how})`;
      if (whole) add(`append one snapshot (${label}), the whole workbook written (before)`, s, row);
      else add(`append one snapshot (${label})`, s, row, { text: '< 0.4 s', limitMs: 400 });
    }
  }
  for (const whole of [true, false]) {
    const s = await repeat(runs, async () => {
      const copy = copyOf(state.yearWorkbook, 'plan-rows');
      await runTask('rewrite', { workbook: copy.workbook });
      if (whole) fs.rmSync(path.join(path.dirname(copy.workbook), '.valtrac-writes.jsonl'));
      return runTask('replacePlan', { workbook: copy.workbook });
    });
    const how = s.details.path === 'sheet' ? 'the Payouts sheet, workbook, properties and shared strings parts rewritten, the rest copied' : `whole workbook rewritten${s.details.fallback ? `: ${s.details.fallback}` : ''}`;
    add(`a plan's ${s.details.rows} Payouts rows written (after a year)${whole ? ', the whole workbook written (before)' : ''}`, s, `after plan's read of the workbook (${how})`);
  }
  const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;
  const archive = dirBytes(archiveDir(state.yearWorkbook));
  // The records alone: stakes.sqlite beside them is derived data, shown apart.
  const records = dirBytes(state.records, (name) => !name.startsWith(STAKES_FILE));
  const table = dirBytes(state.records, (name) => name.startsWith(STAKES_FILE));
  const perSnapshot = records.bytes / records.files;
  rows.push({
    what: 'size after a simulated year',
    detail: `workbook ${mb(fs.statSync(state.yearWorkbook).size)} (${mb(fs.statSync(state.unarchivedWorkbook).size)} without archiving); ` +
      `archive ${mb(archive.bytes)} in ${archive.files} files; snapshot records ${mb(records.bytes)} in ${records.files} files ` +
      `(${(perSnapshot / 1e3).toFixed(1)} kB per snapshot; format 1 took 59.5 kB); stakes.sqlite ${mb(table.bytes)} (derived, as plans left it)`,
    target: '≤ 10 kB a snapshot',
    met: perSnapshot <= 10_000,
  });
}

/** `valtrac plan` on a private copy of `template` (with its archive), for the snapshots up to `toBlock`. */
function planCopy(state: BenchState, template: string, withWrites = true): string {
  const dir = fs.mkdtempSync(path.join(work, 'plan-run-'));
  const copy = path.join(dir, 'valtrac.xlsx');
  fs.copyFileSync(template, copy);
  if (fs.existsSync(archiveDir(template))) fs.cpSync(archiveDir(template), archiveDir(copy), { recursive: true });
  fs.symlinkSync(state.records, path.join(dir, 'snapshots'));
  // The record of ValTrac's writes goes with the copy, as it lies beside the owner's workbook: it tells the store the
  // file is its own last write, so plan appends its Payouts rows in place (src/workbook/sheetAppend.ts).
  const writes = path.join(path.dirname(template), '.valtrac-writes.jsonl');
  if (withWrites && fs.existsSync(writes)) fs.copyFileSync(writes, path.join(dir, '.valtrac-writes.jsonl'));
  return copy;
}

/** Deletes the period table plan keeps beside the records, so the next plan fills it as a first plan does. */
function dropStakesTable(records: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(path.join(records, STAKES_FILE + suffix), { force: true });
}

/** The plan id the CLI printed ("Plan P123-abcdef12: ..."), to compare runs and versions. */
function planIdOf(stdout: string): string {
  return /^Plan (P\d+-[0-9a-f]+)/m.exec(stdout)?.[1] ?? 'no plan id printed';
}

function planArgs(workbook: string, toBlock: number): string[] {
  return ['plan', '--workbook', workbook, '--pool', '50', '--to-block', String(toBlock)];
}

async function measurePlans(state: BenchState, sim: Node) {
  const perWeek = state.scenario.size.snapshotsPerPayout;
  const weeks = Math.floor(state.scenario.size.snapshots / perWeek);
  const end = blockOf(weeks * perWeek - 1);
  for (const periodWeeks of OPEN_WEEKS) {
    const snapshots = periodWeeks * perWeek;
    const label = periodWeeks === 1 ? 'one week' : `${periodWeeks} weeks`;
    const target: Target =
      periodWeeks === 1
        ? { text: '< 1 s, RSS < 300 MB', limitMs: 1000, rssMb: 300 }
        : periodWeeks === 13
          ? { text: '< 1.5 s', limitMs: 1500 }
          : { text: '< 3 s, RSS < 300 MB', limitMs: 3000, rssMb: 300 };
    const template = await workbookOn(state, state.openPeriod(periodWeeks), sim.url, path.join(work, `plan-${periodWeeks}`));
    if (periodWeeks === 1) {
      const floor = await repeat(runs, () => cliOn(sim, planArgs(planCopy(state, template), blockOf((weeks - 1) * perWeek))));
      add('valtrac plan over 1 snapshot, the CLI alone (the fixed part)', floor, `process start to exit: start-up, workbook read and write, the node (${floor.details.requests} requests)`);
    }
    const once = periodWeeks === 52 ? 1 : runs;
    // The first plan fills the period's rows of stakes.sqlite from the records (the old read plus writing the rows);
    // the next ones read the table.
    dropStakesTable(state.records);
    const first = await repeat(1, () => cliOn(sim, planArgs(planCopy(state, template), end)));
    add(`valtrac plan over ${label}, first plan (stakes.sqlite filled from the records)`, first, `process start to exit, no watcher; as after an upgrade or a user's coldkey added; ${first.details.planId}`);
    if (periodWeeks === 1) {
      const whole = await repeat(runs, () => cliOn(sim, planArgs(planCopy(state, template, false), end)));
      add(`valtrac plan over ${label}, the whole workbook written (before)`, whole, `as above without the record of ValTrac's last write: plan rewrites every sheet; ${whole.details.planId}`);
    }
    const alone = await repeat(once, () => cliOn(sim, planArgs(planCopy(state, template), end)));
    add(`valtrac plan over ${label} (${snapshots} snapshots), the CLI alone`, alone, `process start to exit, no watcher; ${alone.details.requests} RPC requests, the node answering ${seconds(alone.details.nodeMs as number)}; ${alone.details.planId}`, target);
    const served = planCopy(state, template);
    await withWatcher(served, async (pid) => {
      const s = await repeat(once, async () => ({ ...(await cliOn(sim, planArgs(served, end))), rssMb: peakRssMb(pid) }));
      add(`valtrac plan over ${label}, answered by the watcher`, s, `process start to exit of the CLI, with \`valtrac watch\` running (as pm2 runs it); peak RSS is the watcher's; ${s.details.requests} RPC requests`, target);
    });
    const from = blockOf((weeks - periodWeeks) * perWeek);
    const records = state.records;
    const perSnapshot = (s: Sample) => `${((s.ms / Number(s.details.snapshots)) * 1000).toFixed(0)} µs a snapshot`;
    const before = await repeat(once, () => runTask('averagePeriod', { records, from, to: end, seed }));
    add(`  averaging ${label}, before: every record decoded`, before, `${before.details.snapshots} snapshots read + payout math (${perSnapshot(before)}); plan ${before.details.planId}`);
    const filled = await repeat(1, () => runTask('averagePeriodStakes', { records, from, to: end, seed, fresh: true }));
    add(`  averaging ${label}, stakes.sqlite filled from the records`, filled, `${perSnapshot(filled)}; plan ${filled.details.planId}`);
    const after = await repeat(once, () => runTask('averagePeriodStakes', { records, from, to: end, seed }));
    add(`  averaging ${label}, read per user from stakes.sqlite`, after, `${perSnapshot(after)}; ${ratio(before.ms, after.ms)}; plan ${after.details.planId}; table ${(Number(after.details.tableBytes) / 1e6).toFixed(1)} MB`, { text: '≤ 0.1 ms a snapshot', limitMs: 0.1 * Number(after.details.snapshots) });
    const same = before.details.planId === filled.details.planId && before.details.planId === after.details.planId;
    rows.push({ what: `  plan over ${label} equals the plan computed the old way`, detail: `plan ids ${before.details.planId} / ${filled.details.planId} / ${after.details.planId} (the id is a hash of every row's amounts in RAO)`, target: 'same plan id', met: same });
    if (periodWeeks === 52 || skipPython) continue;
    const python = await repeat(periodWeeks > 1 ? 1 : Math.min(runs, 2), () => runTask('averagePython', { records, from, to: end, seed }));
    add(`  averaging ${label}: Python ValTrac's way (every record from the start)`, python, `${python.details.snapshots} snapshots used of ${state.scenario.size.snapshots} read; ${ratio(python.ms, after.ms)}`);
  }
}

async function measureTransfers(sim: Node) {
  const paid = await repeat(1, () => runTask('confirm', { url: sim.url, seed }));
  const ours = addConfirm('confirm: pay 500 users (simulator)', paid, 'test-chain blocks are 100 ms; signature and transfers checked on submission');
  if (skipPython) return;
  const python = await repeat(1, () => runTask('python', { url: sim.url, seed }));
  const d = python.details as { extrinsics: number; blocks: number; fee: string };
  add(
    `Python ValTrac's way: one transfer per user (${d.extrinsics}, simulator)`,
    python,
    `${d.extrinsics} extrinsics, ${d.blocks} blocks (at 12 s a block: ${((d.blocks * 12) / 60).toFixed(0)} min), fees ${d.fee} RAO in all: ` +
      `${(Number(d.fee) / Number(ours.fee)).toFixed(1)}x the fees, ${d.blocks}x the blocks of ours`,
  );
}

function table(): string {
  const fmt = (ms?: number) => (ms === undefined ? '' : ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(0)} ms`);
  // Every row against what starting Node costs at the load of this run (the mean of its first and last node -e 0).
  const reference = (floor.atStart + floor.atEnd) / 2;
  const header = ['measurement', 'median', 'x node -e 0', 'runs', 'peak RSS', 'target', 'met', 'detail'];
  const body = rows.map((r) => [
    r.what,
    fmt(r.ms),
    r.ms === undefined ? '' : `${(r.ms / reference).toFixed(1)}x`,
    r.runs?.toString() ?? '',
    r.rssMb === undefined ? '' : `${r.rssMb.toFixed(0)} MB`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'met' : 'NOT met',
    r.detail,
  ]);
  const lines = [header, header.map(() => '---'), ...body].map((cells) => `| ${cells.join(' | ')} |`);
  return lines.join('\n');
}

const state = await ensureBenchState(seed, log);
log(`bench: scenario seed ${seed}: ${state.scenario.nominators.length} nominators, ${state.scenario.users.length} users, ${state.scenario.referrals.length} referrals, ${state.scenario.size.snapshots} snapshots; ${runs} runs each`);
// What starting Node itself costs on this machine at this load, at the start and at the end of the run: the table
// reads every row against it, so runs at different loads can be compared.
const floor = { atStart: 0, atEnd: 0 };
const bareAtStart = await repeat(runs, () => runNode(['-e', '0']));
floor.atStart = bareAtStart.ms;
add('node -e 0 (this machine now, for comparison)', bareAtStart, 'Node starting and exiting, nothing loaded (0.04 s on this machine when idle)');
const sim = await behindProxy(await ChainHost.start(seed, 100, state.scenario.nominators.length));
try {
  await section('startup', () => measureStartup(state));
  await section('snapshot', () => measureSnapshot(state, sim));
  await section('growth', () => measureGrowth(sim));
  if (!skipRuntime) await section('runtime', () => measureRuntime(state));
  await section('workbook', () => measureWorkbook(state));
  for (const [label, file] of [['day one', state.freshWorkbook], ['after a year', state.yearWorkbook]] as const) {
    await section(`watcher (${label})`, async () => {
      const s = await repeat(runs, () => measureWatcher(copyOf(file, 'watch').workbook));
      add(`watcher: save -> problems written back (${label})`, s, `${s.details.problem}`, { text: '< 2 s', limitMs: 2000 });
    });
  }
  await section('plan', () => measurePlans(state, sim));
  await section('confirm', () => measureTransfers(sim));
} finally {
  await sim.close();
  fs.rmSync(work, { recursive: true, force: true });
}
const bareAtEnd = await repeat(runs, () => runNode(['-e', '0']));
floor.atEnd = bareAtEnd.ms;
add('node -e 0 at the end of the run', bareAtEnd, 'the load may have changed while the bench ran');
console.log(
  `ValTrac bench, seed ${seed}, ${os.cpus().length} cores, load average ${loadAtStart.toFixed(1)} at the start and ` +
    `${os.loadavg()[0]!.toFixed(1)} at the end, Node ${process.version}, ${new Date().toISOString()}\n`,
);
console.log(table());
