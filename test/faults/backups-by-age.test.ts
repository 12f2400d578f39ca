/**
 * Case 11 of issue 11: with hourly snapshots, keeping the last 20 backups covered less than a day. Backups are now kept
 * by age: every write of the last hour, one per clock hour for two days, one per day for a month, nothing older (so
 * the disk is bounded). A folder with a backup every 10 minutes for 40 days, then one real write through the CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, baseWorkbook, tempDir, valtrac } from './helpers.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let dir: string;

beforeAll(async () => {
  dir = tempDir();
  await baseWorkbook(dir);
}, 180_000);

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const stampOf = (t: number) => new Date(t).toISOString().replace(/[:.]/g, '-');
const timeOf = (name: string) => {
  const m = /^valtrac-(\d{4}-\d{2}-\d{2})T(\d{2})-(\d{2})-(\d{2})-(\d{3})Z-\d+\.xlsx$/.exec(name)!;
  return Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4]}.${m[5]}Z`);
};

describe('backups by age', () => {
  it('keep every write of the last hour, one per hour for 48 hours, one per day for 31 days, and nothing older', { timeout: 180_000 }, async () => {
    const backups = path.join(dir, '.backup');
    fs.rmSync(backups, { recursive: true, force: true });
    fs.mkdirSync(backups);
    const now = Date.now();
    // Ages 5, 15, 25, ... minutes: never within 5 minutes of a tier's edge, so the seconds the command takes do not matter.
    const made: number[] = [];
    for (let age = 5 * MIN; age < 40 * DAY; age += 10 * MIN) made.push(now - age);
    for (const t of made) fs.writeFileSync(path.join(backups, `valtrac-${stampOf(t)}-4242.xlsx`), 'an older workbook');
    fs.writeFileSync(path.join(backups, 'my own copy.xlsx'), 'a person put this here');

    const r = await valtrac(['users', 'add', 'Erin', address(6), '--workbook', path.join(dir, 'valtrac.xlsx')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);

    const names = fs.readdirSync(backups);
    expect(names).toContain('my own copy.xlsx');
    const kept = names.filter((n) => n.endsWith('-4242.xlsx')).map(timeOf);
    const newOnes = names.filter((n) => n.startsWith('valtrac-') && !n.endsWith('-4242.xlsx'));
    expect(newOnes).toHaveLength(1);

    const age = (t: number) => now - t;
    const inTier = (ts: number[], from: number, to: number) => ts.filter((t) => age(t) > from && age(t) <= to);
    // Every one of the last hour.
    expect(inTier(kept, 0, HOUR).sort()).toEqual(inTier(made, 0, HOUR).sort());
    // One per clock hour from 1 to 48 hours: every such hour that had a backup still has exactly one.
    const perSlot = (ts: number[], every: number) => ts.reduce((m, t) => m.set(Math.floor(t / every), (m.get(Math.floor(t / every)) ?? 0) + 1), new Map<number, number>());
    const hourly = perSlot(inTier(kept, HOUR, 48 * HOUR), HOUR);
    expect([...hourly.keys()].sort()).toEqual([...perSlot(inTier(made, HOUR, 48 * HOUR), HOUR).keys()].sort());
    expect([...hourly.values()].every((n) => n === 1)).toBe(true);
    // One per UTC day from 2 to 31 days.
    const daily = perSlot(inTier(kept, 48 * HOUR, 31 * DAY), DAY);
    expect([...daily.keys()].sort()).toEqual([...perSlot(inTier(made, 48 * HOUR, 31 * DAY), DAY).keys()].sort());
    expect([...daily.values()].every((n) => n === 1)).toBe(true);
    // Nothing older than a month, and a bounded folder.
    expect(inTier(kept, 31 * DAY, Infinity)).toEqual([]);
    expect(kept.length).toBeLessThanOrEqual(6 + 48 + 31);
    // The copy that would give back a person's morning is still there the next day: one from 20 to 21 hours ago.
    expect(inTier(kept, 20 * HOUR, 21 * HOUR).length).toBeGreaterThan(0);
    expect(inTier(kept, 10 * DAY, 11 * DAY).length).toBeGreaterThan(0);
  });
});
