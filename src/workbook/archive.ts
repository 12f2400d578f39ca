import { mkdir, stat } from 'node:fs/promises';
import nodePath from 'node:path';
import { archiveStep, changesWorkbook, snapshotsDroppedThrough } from '../domain/archive.js';
import { closedPlans, type ClosedPlan } from '../domain/period.js';
import type { PayoutRow, PayoutSheetRow, Problem, SnapshotSummary } from '../domain/types.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { UserError } from '../util/errors.js';
import { namesIn } from '../util/listDir.js';
import { writePayoutRow, writeSnapshotRow } from './changes.js';
import { applyLayout } from './layout.js';
import { readPayouts, readSnapshots, sheet } from './read.js';
import { FIRST_DATA_ROW } from './schema.js';
import type { WorkbookData, WorkbookStore } from './store.js';
import * as Xlsx from './xlsx.js';

/**
 * `workbook/archive/<plan>.xlsx`: one file per paid period, with that plan's Payouts rows and the Snapshots rows of its
 * period, laid out like the workbook's own sheets so a person can open it. Written once, never changed.
 */
export function archiveDir(workbookPath: string): string {
  return nodePath.join(nodePath.dirname(workbookPath), 'archive');
}

export interface ArchiveFile extends ClosedPlan {
  file: string;
}

/** Plan ids are `P<last block>-<8 hex digits of the fingerprint>`, so the file name says where the period ends. */
const ARCHIVE_NAME = /^(P(\d+)-[0-9a-f]{8})\.xlsx$/;

/** The archived periods, oldest first. */
export async function listArchives(workbookPath: string): Promise<ArchiveFile[]> {
  const dir = archiveDir(workbookPath);
  return (await namesIn(dir))
    .flatMap((name) => {
      const match = ARCHIVE_NAME.exec(name);
      return match ? [{ planId: match[1]!, toBlock: Number(match[2]), file: nodePath.join(dir, name) }] : [];
    })
    .sort((a, b) => a.toBlock - b.toBlock);
}

/** Archived payout rows have no row in the workbook, so the merged history carries plain payout rows. */
export type WithArchive = Omit<WorkbookData, 'payouts'> & { payouts: PayoutRow[] };

export interface ArchivedRows {
  snapshots: SnapshotSummary[];
  payouts: PayoutRow[];
}

async function writeArchive(file: string, rows: ArchivedRows): Promise<void> {
  const workbook = new Xlsx.Workbook();
  workbook.creator = 'ValTrac';
  const snapshots = workbook.addWorksheet('Snapshots');
  rows.snapshots.forEach((s, i) => writeSnapshotRow(snapshots.getRow(FIRST_DATA_ROW + i), s));
  const payouts = workbook.addWorksheet('Payouts');
  rows.payouts.forEach((p, i) => writePayoutRow(payouts.getRow(FIRST_DATA_ROW + i), p));
  applyLayout(workbook);
  await mkdir(nodePath.dirname(file), { recursive: true });
  await writeFileAtomic(file, await Xlsx.xlsxBytes(workbook), 'Archiving paid payouts to');
}

/** An archive holds payout rows without the workbook row they came from. */
function withoutRow({ row: _row, ...payout }: PayoutSheetRow): PayoutRow {
  return payout;
}

/** Archives never change, so a long-running process (the snapshotter redrawing charts) reads each one once. */
const cache = new Map<string, { stamp: string; rows: ArchivedRows }>();

export async function readArchive(file: string): Promise<ArchivedRows> {
  const info = await stat(file);
  const stamp = `${info.size}:${info.mtimeMs}`;
  const cached = cache.get(file);
  if (cached?.stamp === stamp) return cached.rows;
  let workbook: Xlsx.Workbook;
  try {
    workbook = await Xlsx.readXlsxFile(file);
  } catch (error) {
    throw new UserError(`${file} cannot be read as an .xlsx archive (${(error as Error).message}); restore it from a backup.`);
  }
  const problems: Problem[] = [];
  const rows = {
    snapshots: readSnapshots(sheet(workbook, 'Snapshots'), problems),
    payouts: readPayouts(sheet(workbook, 'Payouts'), problems).map(withoutRow),
  };
  if (problems.length > 0) {
    const p = problems[0]!;
    throw new UserError(`${file}: ${p.sheet}!${p.cell}: ${p.message} The archive was changed by hand; restore it from a backup.`);
  }
  cache.set(file, { stamp, rows });
  return rows;
}

/**
 * The workbook's data with every paid period's rows from the archive before its own unarchived rows: the whole
 * history, for statistics and charts. An archived plan's rows in the workbook (the newest paid one) come from its archive.
 */
export async function withArchive(workbookPath: string, data: WorkbookData): Promise<WithArchive> {
  const archives = await listArchives(workbookPath);
  const archived = await Promise.all(archives.map((a) => readArchive(a.file)));
  const archivedPlans = new Set(archives.map((a) => a.planId));
  const archivedThrough = archives.at(-1)?.toBlock ?? null;
  return {
    ...data,
    snapshots: [
      ...archived.flatMap((a) => a.snapshots),
      ...data.snapshots.filter((s) => archivedThrough === null || s.block > archivedThrough),
    ],
    payouts: [...archived.flatMap((a) => a.payouts), ...data.payouts.filter((p) => !archivedPlans.has(p.planId))],
  };
}

/** The block through which Snapshots rows live only in the archive (the workbook keeps the rows after it). */
export async function snapshotsArchivedThrough(workbookPath: string): Promise<number | null> {
  return snapshotsDroppedThrough(await listArchives(workbookPath));
}

export interface ArchiveOutcome {
  written: string[];
  restored: string | null;
  outcome: 'written' | 'deferred' | 'unchanged';
}

/**
 * Writes an archive file for every paid period that has none, then takes the archived periods but the newest out of
 * the workbook (and puts the newest back if an older copy dropped it). `confirm` runs this once a plan is paid;
 * `plan` runs it first, so a crash between the two steps is finished before the next period is worked out.
 */
export async function archivePaidPeriods(store: WorkbookStore, data: WorkbookData): Promise<ArchiveOutcome> {
  const archives = await listArchives(store.path);
  const step = archiveStep(new Set(data.payouts.map((p) => p.planId)), closedPlans(data.payouts), archives);
  const written: string[] = [];
  for (const plan of step.write) {
    const file = nodePath.join(archiveDir(store.path), `${plan.planId}.xlsx`);
    if (!ARCHIVE_NAME.test(nodePath.basename(file))) {
      throw new UserError(`Payouts: plan "${plan.planId}" is not a plan id ValTrac wrote (P<block>-<8 hex digits>); restore Payouts from ${store.backupDir}.`);
    }
    await writeArchive(file, {
      snapshots: data.snapshots.filter((s) => (plan.afterBlock === null || s.block > plan.afterBlock) && s.block <= plan.toBlock),
      payouts: data.payouts.filter((p) => p.planId === plan.planId).map(withoutRow),
    });
    written.push(file);
  }
  const firstSnapshot = data.snapshots.reduce<number | null>((min, s) => (min === null || s.block < min ? s.block : min), null);
  if (!changesWorkbook(step, firstSnapshot)) return { written, restored: null, outcome: 'unchanged' };
  const restoreFrom = step.restore === null ? undefined : archives.find((a) => a.planId === step.restore);
  const restore = restoreFrom ? (await readArchive(restoreFrom.file)).payouts : [];
  const outcome = await store.apply({ kind: 'archive', dropPlans: step.dropPlans, dropSnapshotsThrough: step.dropSnapshotsThrough, restore });
  return { written, restored: step.restore, outcome };
}
