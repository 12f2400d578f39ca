import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SnapshotSummary, ValidatorSnapshot } from '../domain/types.js';
import { applyChange } from '../workbook/changes.js';
import { createWorkbook } from '../workbook/layout.js';
import { recordsDir, writeRecord } from '../workbook/records.js';
import { WorkbookStore } from '../workbook/store.js';
import { Prng } from './prng.js';
import { summarize } from '../domain/snapshotSummary.js';
import { generateScenario, paidRows, snapshotAt, type Scenario } from './scenario.js';

/** Where a bench state lives: generated once per seed and scenario version, then reused by every measured run. */
export function benchRoot(seed: number): string {
  return path.join(process.env.VALTRAC_BENCH_DIR ?? path.join(os.tmpdir(), 'valtrac-bench'), `seed-${seed}-v1`);
}

export interface BenchState {
  scenario: Scenario;
  /** A workbook with the people's sheets filled and nothing recorded yet (day one). */
  freshWorkbook: string;
  /** The same workbook after a year of snapshots and weekly payouts, with its per-nominator records beside it. */
  yearWorkbook: string;
}

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
 * Writes every snapshot's record through `writeRecord`. Records that add no new coldkey to the shared dictionary are
 * written a few at a time (gzip runs on libuv's pool); one that adds coldkeys waits for the others and goes alone,
 * because the dictionary is appended by read-modify-write.
 */
async function recordYear(scenario: Scenario, dir: string, log: (line: string) => void): Promise<SnapshotSummary[]> {
  const registered = new Set(scenario.users.flatMap((u) => u.addresses));
  const known = new Set<string>();
  const summaries: SnapshotSummary[] = [];
  let inFlight: Promise<boolean>[] = [];
  for (let i = 0; i < scenario.size.snapshots; i++) {
    const { snapshot, summary } = summaryOf(scenario, i, registered);
    summaries.push(summary);
    const fresh = snapshot.nominators.filter((n) => !known.has(n.coldkey));
    if (fresh.length > 0 || inFlight.length >= 4) {
      await Promise.all(inFlight);
      inFlight = [];
    }
    for (const n of fresh) known.add(n.coldkey);
    const write = writeRecord(dir, snapshot);
    if (fresh.length > 0) await write;
    else inFlight.push(write);
    if (i % 1000 === 999) log(`bench:   ${i + 1} snapshots recorded`);
  }
  await Promise.all(inFlight);
  return summaries;
}

/**
 * Builds (or reuses) the bench state for `seed`: the records of a year written one snapshot at a time through
 * `writeRecord`, and the workbook written through the store, as the snapshotter and `confirm` would leave them.
 */
export async function ensureBenchState(seed: number, log: (line: string) => void, network = 'local'): Promise<BenchState> {
  const root = benchRoot(seed);
  const scenario = generateScenario(seed);
  const state: BenchState = {
    scenario,
    freshWorkbook: path.join(root, 'fresh', 'valtrac.xlsx'),
    yearWorkbook: path.join(root, 'year', 'valtrac.xlsx'),
  };
  const done = path.join(root, 'complete');
  if (fs.existsSync(done)) return state;
  fs.rmSync(root, { recursive: true, force: true });

  log('bench: writing the day-one workbook (500 users, referral forest)');
  await new WorkbookStore(state.freshWorkbook).create(peopleWorkbook(scenario, network), false);

  log(`bench: recording a year of snapshots (${scenario.size.snapshots} x ${scenario.size.nominators} nominators); this takes a few minutes once`);
  const summaries = await recordYear(scenario, recordsDir(state.yearWorkbook), log);
  log('bench: writing the year workbook (Snapshots and Payouts sheets)');
  const workbook = peopleWorkbook(scenario, network);
  applyChange(workbook, { kind: 'appendSnapshots', rows: summaries }, true);
  const prng = new Prng(seed ^ 0x5eed);
  const weeks = Math.floor(scenario.size.snapshots / scenario.size.snapshotsPerPayout);
  applyChange(workbook, { kind: 'replacePlan', rows: Array.from({ length: weeks }, (_, w) => paidRows(scenario, w, prng)).flat() }, true);
  await new WorkbookStore(state.yearWorkbook).create(workbook, false);
  fs.writeFileSync(done, new Date().toISOString());
  return state;
}


/**
 * A copy of the year workbook whose payouts stop after `paidWeeks` weeks (so the open period is what follows), with
 * Settings network pointing at `network`, beside a link to the year's records.
 */
export async function periodWorkbook(state: BenchState, paidWeeks: number, network: string, dir: string): Promise<string> {
  fs.mkdirSync(dir, { recursive: true });
  const target = path.join(dir, 'valtrac.xlsx');
  const workbook = await new WorkbookStore(state.yearWorkbook).load();
  const payouts = workbook.getWorksheet('Payouts')!;
  // Plans are P001, P002, ... in row order: cut from the first row of week paidWeeks + 1 to the end.
  let first = payouts.rowCount + 1;
  for (let r = 3; r <= payouts.rowCount; r++) {
    const planId = String(payouts.getCell(r, 1).value ?? '');
    if (/^P\d+$/.test(planId) && Number(planId.slice(1)) > paidWeeks) {
      first = r;
      break;
    }
  }
  // One row at a time from the bottom: exceljs ignores a spliceRows of several rows that reaches the sheet's end.
  for (let r = payouts.rowCount; r >= first; r--) payouts.spliceRows(r, 1);
  applyChange(workbook, { kind: 'setSettings', settings: { network } }, true);
  await new WorkbookStore(target).create(workbook, true);
  const records = recordsDir(target);
  fs.rmSync(records, { recursive: true, force: true });
  fs.symlinkSync(recordsDir(state.yearWorkbook), records);
  return target;
}
