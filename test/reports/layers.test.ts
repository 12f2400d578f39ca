import { describe, expect, it } from 'vitest';
import { referralsList } from '../../src/commands/referrals.js';
import { referralForest } from '../../src/domain/forest.js';
import type { Referral } from '../../src/domain/types.js';

const edge = (referrer: string, referee: string, row: number): Referral => ({ referrer, referee, taxPpm: 100_000n, row });

describe('one meaning of "layer": a person’s depth, 1 = referred by nobody', () => {
  const referrals = [edge('alice', 'bob', 3), edge('bob', 'carol', 4)];
  it('referrals list names both people’s layers, the same numbers the referral chart puts them in', () => {
    const lines = referralsList(referrals).split('\n');
    expect(lines[0]).toContain("a person's layer: 1 = referred by nobody");
    expect(lines.slice(1).map((l) => l.trim().replace(/ +/g, ' '))).toEqual(['layer 1 → 2 alice → bob 10% Referrals!A3', 'layer 2 → 3 bob → carol 10% Referrals!A4']);
    const chart = new Map(referralForest(referrals).nodes.map((n) => [n.name, n.layer]));
    expect([chart.get('alice'), chart.get('bob'), chart.get('carol')]).toEqual([1, 2, 3]);
  });
});
