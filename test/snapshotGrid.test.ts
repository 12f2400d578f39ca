import { describe, expect, it } from 'vitest';
import { gridBlocksBetween, lastGridBlock, nextGridBlock, planSnapshots } from '../src/domain/snapshotGrid.js';

describe('snapshot grid', () => {
  it('finds grid blocks around a block', () => {
    expect(nextGridBlock(0, 300)).toBe(300);
    expect(nextGridBlock(299, 300)).toBe(300);
    expect(nextGridBlock(300, 300)).toBe(600);
    expect(lastGridBlock(599, 300)).toBe(300);
    expect(lastGridBlock(600, 300)).toBe(600);
    expect(gridBlocksBetween(300, 1250, 300)).toEqual([600, 900, 1200]);
    expect(gridBlocksBetween(1200, 1250, 300)).toEqual([]);
  });

  it('starts a new series at the newest grid block the node can still serve', () => {
    expect(planSnapshots(null, 1250, 300, { backfill: false, stateWindow: 256 })).toEqual({ record: [1200], skipped: null });
    // 1200 is 300 blocks back: a pruning node no longer has it, so wait for 1500.
    expect(planSnapshots(null, 1500 - 1, 300, { backfill: false, stateWindow: 256 })).toEqual({ record: [], skipped: null });
  });

  it('continues the grid after a restart and fills a short gap', () => {
    expect(planSnapshots(900, 1830, 300, { backfill: false, stateWindow: 1000 })).toEqual({ record: [1200, 1500, 1800], skipped: null });
    expect(planSnapshots(1800, 1830, 300, { backfill: false, stateWindow: 256 })).toEqual({ record: [], skipped: null });
  });

  it('reports the part of a gap older than the node keeps, and backfill takes it all', () => {
    expect(planSnapshots(300, 2450, 300, { backfill: false, stateWindow: 256 })).toEqual({
      record: [2400],
      skipped: { from: 600, to: 2100, count: 6 },
    });
    expect(planSnapshots(300, 2450, 300, { backfill: true, stateWindow: 256 })).toEqual({
      record: [600, 900, 1200, 1500, 1800, 2100, 2400],
      skipped: null,
    });
  });
});
