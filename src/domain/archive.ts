import type { ClosedPlan } from './period.js';

/**
 * Paid periods move out of the workbook into one archive file each, so the workbook keeps about two periods of rows
 * however long the program runs. The newest paid period stays in the workbook too: the next plan starts after it and
 * carries its `carried` rows forward.
 */
export interface ArchiveStep {
  /** Closed plans with no archive file yet, each with the snapshots after `afterBlock` (null: from the first). */
  write: Array<ClosedPlan & { afterBlock: number | null }>;
  /**
   * The newest archived plan, when Payouts lacks its rows or shows it unpaid (an older copy was saved over them): the
   * archive says it was paid, so its rows come back from there.
   */
  restore: string | null;
  /** Plans whose Payouts rows leave the workbook: every archived plan but the newest. */
  dropPlans: string[];
  /** Snapshots rows at or below this block leave the workbook (they belong to the dropped periods). */
  dropSnapshotsThrough: number | null;
}

/**
 * What to archive, restore and drop, given the plan ids in Payouts, the closed plans among them and the plans already
 * archived. Archives are written before anything leaves the workbook, so a crash in between loses nothing.
 */
export function archiveStep(sheetPlans: ReadonlySet<string>, closed: readonly ClosedPlan[], archived: readonly ClosedPlan[]): ArchiveStep {
  const archivedIds = new Set(archived.map((a) => a.planId));
  const closedIds = new Set(closed.map((c) => c.planId));
  const fresh = closed.filter((c) => !archivedIds.has(c.planId));
  const all = [...archived, ...fresh].sort((a, b) => a.toBlock - b.toBlock);
  const before = (toBlock: number) => all.filter((p) => p.toBlock < toBlock).at(-1)?.toBlock ?? null;
  const newest = all.at(-1);
  return {
    write: fresh.map((c) => ({ ...c, afterBlock: before(c.toBlock) })),
    restore: newest && archivedIds.has(newest.planId) && !closedIds.has(newest.planId) ? newest.planId : null,
    dropPlans: all.slice(0, -1).map((p) => p.planId).filter((id) => sheetPlans.has(id)),
    dropSnapshotsThrough: snapshotsDroppedThrough(all),
  };
}

/**
 * Given every paid period oldest first: Snapshots rows at or below this block live only in the archive, since the
 * workbook keeps the newest paid period's snapshots and those after it.
 */
export function snapshotsDroppedThrough(paid: readonly ClosedPlan[]): number | null {
  return paid.at(-2)?.toBlock ?? null;
}

/** Whether the step changes the workbook at all. */
export function changesWorkbook(step: ArchiveStep, firstSnapshotBlock: number | null): boolean {
  const dropsSnapshots = step.dropSnapshotsThrough !== null && firstSnapshotBlock !== null && firstSnapshotBlock <= step.dropSnapshotsThrough;
  return step.restore !== null || step.dropPlans.length > 0 || dropsSnapshots;
}
