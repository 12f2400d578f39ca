import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SnapshotSummary, ValidatorSnapshot } from '../src/domain/types.js';
import { applyChange } from '../src/workbook/changes.js';
import { createWorkbook } from '../src/workbook/layout.js';
import { recordsDir, writeRecord } from '../src/workbook/records.js';
import { archiveDir, archivePaidPeriods } from '../src/workbook/archive.js';
import { WorkbookStore } from '../src/workbook/store.js';
import { Prng } from './prng.js';
import { summarize } from '../src/domain/snapshotSummary.js';
import { generateScenario, paidRows, snapshotAt, type Scenario } from './scenario.js';

/** Where a bench state lives: generated once per seed, then reused by every measured run. */
export function benchRoot(seed: number): string {
  return path.join(process.env.VALTRAC_BENCH_DIR ?? path.join(os.tmpdir(), 'valtrac-bench'), `seed-${seed}`);
}

/** Bump when the generated records change shape; the workbooks have their own version, as they are quicker to make. */
const RECORDS_VERSION = 'records-v2';
const WORKBOOKS_VERSION = 'workbooks-v3';

export interface BenchState {
  scenario: Scenario;
  /** The year's per-nominator records (`snapshots/` beside every bench workbook links here). */
  records: string;
  /** A workbook with the people's sheets filled and nothing recorded yet (day one). */
  freshWorkbook: string;
  /** The workbook after a year of snapshots and weekly payouts, paid periods archived as confirm does. */
  yearWorkbook: string;
  /** The same year with every row kept in the workbook: what archiving saves. */
  unarchivedWorkbook: string;
  /** The year with its last `weeks` weeks not paid yet (the open period), for each length in OPEN_WEEKS. */
  openPeriod: (weeks: number) => string;
}

/** Open periods at the end of the year: a week, a quarter, and a whole year never paid. `plan` is measured over each. */
export const OPEN_WEEKS = [1, 13, 52] as const;

function settingsValues(scenario: Scenario, network: string) {
  return { hotkey: scenario.hotkey, network, snapshotInterval: 300, payoutColdkey: scenario.owner, taxMode: 'base' };
}

/** Fills the people's sheets the way `import-users` and `referrals add` would. */
function peopleWorkbook(scenario: Scenario, network: string) {
  const workbook = createWorkbook(settingsValues(scenario, network));
  applyChange(workbook, { kind: 'addUsers', users: scenario.users.map((u) => ({ name: u.name, addresses: u.addresses })) }, true);
  for (const r of scenario.referrals) {
    applyChange(workbook, { kind: 'addReferral', referrer: r.referrer, referee: r.referee, taxPpm: r.taxPpm.toString() }, true);
  }
  return workbook;
}

export function summaryOf(scenario: Scenario, index: number, registered: ReadonlySet<string>): { summary: SnapshotSummary; snapshot: ValidatorSnapshot } {
  const snapshot = snapshotAt(scenario, index);
  return { snapshot, summary: summarize(snapshot, registered) };
}

/**
 * Writes every snapshot's record through `writeRecord`, one after the other as the snapshotter does: each record is an
 * edit of the one before, which the writer still holds in memory.
 */
async function recordYear(scenario: Scenario, dir: string, log: (line: string) => void): Promise<void> {
  for (let i = 0; i < scenario.size.snapshots; i++) {
    await writeRecord(dir, snapshotAt(scenario, i));
    if (i % 1000 === 999) log(`bench:   ${i + 1} snapshots recorded`);
  }
}

/** Links a bench workbook's `snapshots/` to the year's records. */
function linkRecords(workbook: string, records: string): void {
  const link = recordsDir(workbook);
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(records, link);
}

/** Copies a workbook and its archive folder (not its backups) to `dir`. */
function copyWorkbook(workbook: string, dir: string, records: string): string {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, 'valtrac.xlsx');
  fs.copyFileSync(workbook, target);
  if (fs.existsSync(archiveDir(workbook))) fs.cpSync(archiveDir(workbook), archiveDir(target), { recursive: true });
  linkRecords(target, records);
  return target;
}

/**
 * Builds (or reuses) the bench state for `seed`: the records of a year written one snapshot at a time through
 * `writeRecord`, then the workbooks written through the store week by week, each paid week archived by
 * `archivePaidPeriods` exactly as `confirm` does after a payout.
 */
export async function ensureBenchState(seed: number, log: (line: string) => void, network = 'local'): Promise<BenchState> {
  const root = benchRoot(seed);
  const scenario = generateScenario(seed);
  const workbooks = path.join(root, WORKBOOKS_VERSION);
  const weeks = Math.floor(scenario.size.snapshots / scenario.size.snapshotsPerPayout);
  const state: BenchState = {
    scenario,
    records: path.join(root, RECORDS_VERSION, 'snapshots'),
    freshWorkbook: path.join(workbooks, 'fresh', 'valtrac.xlsx'),
    yearWorkbook: path.join(workbooks, 'year', 'valtrac.xlsx'),
    unarchivedWorkbook: path.join(workbooks, 'unarchived', 'valtrac.xlsx'),
    openPeriod: (open) => path.join(workbooks, `open-${open}`, 'valtrac.xlsx'),
  };
  const recordsDone = path.join(root, RECORDS_VERSION, 'complete');
  if (!fs.existsSync(recordsDone)) {
    fs.rmSync(path.dirname(state.records), { recursive: true, force: true });
    log(`bench: recording a year of snapshots (${scenario.size.snapshots} x ${scenario.size.nominators} nominators); this takes a few minutes once`);
    await recordYear(scenario, state.records, log);
    fs.writeFileSync(recordsDone, new Date().toISOString());
  }
  const workbooksDone = path.join(workbooks, 'complete');
  if (fs.existsSync(workbooksDone)) return state;
  fs.rmSync(workbooks, { recursive: true, force: true });

  log('bench: writing the day-one workbook (500 users, referral forest)');
  await new WorkbookStore(state.freshWorkbook).create(peopleWorkbook(scenario, network), false);

  const registered = new Set(scenario.users.flatMap((u) => u.addresses));
  const summaries = Array.from({ length: scenario.size.snapshots }, (_, i) => summaryOf(scenario, i, registered).summary);
  const prng = new Prng(seed ^ 0x5eed);
  const paid = Array.from({ length: weeks }, (_, w) => paidRows(scenario, w, prng));
  const perWeek = scenario.size.snapshotsPerPayout;

  log('bench: writing the year workbook never paid (the 52-week open period)');
  const neverPaid = peopleWorkbook(scenario, network);
  applyChange(neverPaid, { kind: 'appendSnapshots', rows: summaries }, true);
  await new WorkbookStore(state.openPeriod(weeks)).create(neverPaid, false);
  linkRecords(state.openPeriod(weeks), state.records);

  log('bench: writing the year workbook with every row kept (no archive)');
  const unarchived = peopleWorkbook(scenario, network);
  applyChange(unarchived, { kind: 'appendSnapshots', rows: summaries }, true);
  applyChange(unarchived, { kind: 'replacePlan', rows: paid.flat() }, true);
  await new WorkbookStore(state.unarchivedWorkbook).create(unarchived, false);
  linkRecords(state.unarchivedWorkbook, state.records);

  log(`bench: writing the year week by week: snapshots, the paid plan, archive (${weeks} weeks)`);
  const store = new WorkbookStore(state.yearWorkbook);
  await store.create(peopleWorkbook(scenario, network), false);
  linkRecords(state.yearWorkbook, state.records);
  for (let w = 0; w < weeks; w++) {
    await store.apply({ kind: 'appendSnapshots', rows: summaries.slice(w * perWeek, (w + 1) * perWeek) });
    await store.apply({ kind: 'replacePlan', rows: paid[w]! });
    await archivePaidPeriods(store, await store.read());
    const open = weeks - w - 1;
    if ((OPEN_WEEKS as readonly number[]).includes(open)) {
      const copy = new WorkbookStore(copyWorkbook(state.yearWorkbook, path.dirname(state.openPeriod(open)), state.records));
      await copy.apply({ kind: 'appendSnapshots', rows: summaries.slice((w + 1) * perWeek) });
    }
    if (w % 10 === 9) log(`bench:   ${w + 1} weeks written`);
  }
  await store.apply({ kind: 'appendSnapshots', rows: summaries.slice(weeks * perWeek) });
  fs.writeFileSync(workbooksDone, new Date().toISOString());
  return state;
}

/** A copy of a bench workbook (with its archive) whose Settings network is `network`, beside a link to the records. */
export async function workbookOn(state: BenchState, workbook: string, network: string, dir: string): Promise<string> {
  const target = copyWorkbook(workbook, dir, state.records);
  await new WorkbookStore(target).apply({ kind: 'setSettings', settings: { network } });
  return target;
}
