import { describe, expect, it } from 'vitest';
import { backupsToKeep } from '../../src/domain/retention.js';

const at = (day: number, hour: number, minute = 0) => Date.UTC(2026, 0, day, hour, minute);

describe('backupsToKeep', () => {
  it('keeps every copy of the last hour, the newest per clock hour to 48 h, the newest per UTC day to 31 days', () => {
    const now = at(10, 12, 0);
    const times = [
      at(10, 11, 50), // 0: 10 min old: kept
      at(10, 11, 30), // 1: 30 min: kept
      at(10, 10, 30), // 2: 90 min, hour 10:00: the newest of its hour, kept
      at(10, 10, 20), // 3: 100 min, same hour: dropped
      at(10, 9, 0), // 4: 3 h: kept
      at(8, 10, 0), // 5: 50 h, 8 January: the newest of its day, kept
      at(8, 5, 0), // 6: 55 h, same day: dropped
      at(1, 12, 0), // 7: 9 days: kept
      at(1, 3, 0), // 8: same day: dropped
      Date.UTC(2025, 11, 31, 23), // 9: 31 December, 9 days 13 h: kept
      Date.UTC(2025, 11, 9, 12), // 10: 32 days: dropped
      at(10, 12, 5), // 11: 5 min in the future (clock set back): kept as new
    ];
    expect([...backupsToKeep(times, now)].sort((a, b) => a - b)).toEqual([0, 1, 2, 4, 5, 7, 9, 11]);
  });

  it('keeps at most maxRecent of the last hour, the newest', () => {
    const now = at(10, 12);
    const times = [at(10, 11, 10), at(10, 11, 20), at(10, 11, 30), at(10, 11, 40), at(10, 11, 50)];
    expect([...backupsToKeep(times, now, undefined, 3)].sort()).toEqual([2, 3, 4]);
  });
});
