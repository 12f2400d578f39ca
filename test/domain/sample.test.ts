import { describe, expect, it } from 'vitest';
import { evenlySpaced } from '../../src/domain/sample.js';

describe('evenlySpaced', () => {
  it('keeps everything that fits', () => {
    expect(evenlySpaced([1, 2, 3], 5)).toEqual([1, 2, 3]);
  });
  it('keeps the first and last and spaces the rest evenly', () => {
    // indexes floor(i * 9 / 3) for i = 0..3: 0, 3, 6, 9
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 4)).toEqual([0, 3, 6, 9]);
    // floor(i * 10 / 4): 0, 2, 5, 7, 10
    expect(evenlySpaced([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 5)).toEqual([0, 2, 5, 7, 10]);
  });
  it('a year of hourly snapshots becomes exactly max, without duplicates', () => {
    const hours = Array.from({ length: 8760 }, (_, i) => i);
    const picked = evenlySpaced(hours, 400);
    expect(picked).toHaveLength(400);
    expect(new Set(picked).size).toBe(400);
    expect([picked[0], picked.at(-1)]).toEqual([0, 8759]);
  });
});
