import { describe, expect, it } from 'vitest';
import { foundLine } from '../../src/commands/reconcile.js';

const found = { blockNumber: 42, extrinsicHash: '0xabc', outcome: 'paid' as const, error: null };

describe('reconcile: the line for one of ValTrac’s own extrinsics found on chain', () => {
  it('says the remark-only extrinsic paid nobody, never "paid ;"', () => {
    const line = foundLine(found, { planId: 'P300-1', batch: 0 }, [], true);
    expect(line).not.toMatch(/paid\s*;/);
    expect(line).toBe('Block 42: batch 0 of plan P300-1 (0xabc) included (the plan id remark only: no payment in it); recorded in the send log.');
  });
  it('names who a batch paid, and a failed one with its error', () => {
    expect(foundLine(found, { planId: 'P300-1', batch: 1 }, ['alice', 'bob'], true)).toContain('(0xabc) paid alice, bob; recorded');
    expect(foundLine({ ...found, outcome: 'failed', error: 'InsufficientBalance' }, { planId: 'P', batch: 1 }, ['alice'], false)).toContain(
      'failed (InsufficientBalance) alice (a plan neither Payouts nor the archive holds)',
    );
  });
});
