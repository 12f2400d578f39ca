import { describe, expect, it } from 'vitest';
import { allocationSentence } from '../../src/domain/money.js';

describe("plan's sentence on where the pool goes", () => {
  it('when the whole pool was allocated, nothing is said to stay anywhere', () => {
    const text = allocationSentence(1_000_000_000n, 1_000_000_000n);
    expect(text).toBe('Allocated 1.000000000 TAO of the 1.000000000 TAO pool to registered users: all of it.');
    expect(text).not.toMatch(/stays/);
  });
  it('otherwise it names what stays with the owner (not "in the pool")', () => {
    const text = allocationSentence(25_192_763_394n, 13_001_787_049n);
    expect(text).toContain('the other 12.190976345 TAO');
    expect(text).toContain('stays with the owner');
    expect(text).not.toContain('stays in the pool');
  });
});
