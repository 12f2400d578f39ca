import { describe, expect, it } from 'vitest';
import { countUnavailable, dueBlocks, gridBlocksBetween, lastGridBlock, nextGridBlock } from '../../src/domain/snapshotGrid.js';

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

  it('starts a new series at the newest grid block, and continues the grid after a restart', () => {
    expect(dueBlocks(null, 1250, 300)).toEqual([1200]);
    expect(dueBlocks(null, 299, 300)).toEqual([]);
    expect(dueBlocks(900, 1830, 300)).toEqual([1200, 1500, 1800]);
    expect(dueBlocks(1800, 1830, 300)).toEqual([]);
    // After a --once snapshot off the grid, the grid resumes.
    expect(dueBlocks(1234, 1830, 300)).toEqual([1500, 1800]);
  });

  it('finds where the state of a pruning node begins, with few probes', async () => {
    const blocks = Array.from({ length: 1000 }, (_, i) => (i + 1) * 300);
    for (const oldestKept of [0, 300, 301, 150_000, 299_999, 300_000, 300_001]) {
      const probed: number[] = [];
      const count = await countUnavailable(blocks, async (b) => {
        probed.push(b);
        return b >= oldestKept;
      });
      expect(count).toBe(blocks.filter((b) => b < oldestKept).length);
      expect(probed.length).toBeLessThanOrEqual(11);
    }
    expect(await countUnavailable([], async () => true)).toBe(0);
  });
});
