// Snapshots land on a fixed grid of blocks (block % interval == 0), so a restarted snapshotter continues the same
// series and two runs can never disagree about which blocks belong to it.

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

/**
 * The blocks due at finalized head `finalized`, given the last recorded block (null: none yet). With no snapshot
 * yet the series starts at the newest grid block (block 0, genesis, is never one).
 */
export function dueBlocks(last: number | null, finalized: number, interval: number): number[] {
  if (last === null) {
    const newest = lastGridBlock(finalized, interval);
    return newest > 0 ? [newest] : [];
  }
  return gridBlocksBetween(last, finalized, interval);
}

/**
 * How many of `blocks` (ascending) come before the first one whose state is still available. A pruning node
 * discards state from the oldest end, so availability is monotonic and a binary search needs log2(n) probes.
 */
export async function countUnavailable(blocks: number[], available: (block: number) => Promise<boolean>): Promise<number> {
  let lo = 0;
  let hi = blocks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (await available(blocks[mid]!)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
