/**
 * Snapshots land on a fixed grid of blocks (block % interval == 0), so a restarted snapshotter continues the same
 * series and two runs can never disagree about which blocks belong to it.
 */
export function isOnGrid(block: number, interval: number): boolean {
  return block % interval === 0;
}

/** The first grid block strictly after `block`. */
export function nextGridBlock(block: number, interval: number): number {
  return (Math.floor(block / interval) + 1) * interval;
}

/** The last grid block at or before `block`. */
export function lastGridBlock(block: number, interval: number): number {
  return Math.floor(block / interval) * interval;
}

/** Grid blocks in (after, upTo], ascending. */
export function gridBlocksBetween(after: number, upTo: number, interval: number): number[] {
  const blocks: number[] = [];
  for (let b = nextGridBlock(after, interval); b <= upTo; b += interval) blocks.push(b);
  return blocks;
}

export interface SnapshotPlan {
  /** Grid blocks to record now, ascending. */
  record: number[];
  /** Grid blocks missing since the last snapshot that this run will not fill (state older than the node keeps). */
  skipped: { from: number; to: number; count: number } | null;
}

/**
 * Which blocks to record when the finalized head is `finalized`, given the last recorded block (null: none yet).
 * Without backfill only blocks whose state the node still keeps (within `stateWindow` of the head) are read; the
 * older part of a gap is reported. With no snapshot yet, the series starts at the newest grid block available.
 */
export function planSnapshots(
  last: number | null,
  finalized: number,
  interval: number,
  opts: { backfill: boolean; stateWindow: number },
): SnapshotPlan {
  const oldestReadable = opts.backfill ? 0 : Math.max(0, finalized - opts.stateWindow);
  if (last === null) {
    const newest = lastGridBlock(finalized, interval);
    return { record: newest >= oldestReadable && newest > 0 ? [newest] : [], skipped: null };
  }
  const due = gridBlocksBetween(last, finalized, interval);
  const record = due.filter((b) => b >= oldestReadable);
  const missed = due.filter((b) => b < oldestReadable);
  return {
    record,
    skipped: missed.length ? { from: missed[0]!, to: missed[missed.length - 1]!, count: missed.length } : null,
  };
}
