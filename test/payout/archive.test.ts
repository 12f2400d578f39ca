import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { archiveStep } from '../../src/domain/archive.js';
import { closedPlans, payoutHistory } from '../../src/domain/period.js';
import type { PayoutRow, SnapshotSummary } from '../../src/domain/types.js';
import { archiveDir, archivePaidPeriods, listArchives, readArchive, snapshotsArchivedThrough, withArchive } from '../../src/workbook/archive.js';
import { createWorkbook } from '../../src/workbook/layout.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { addresses, tempDir } from '../helpers.js';

const [A, B] = await addresses(2);
const TAO = 1_000_000_000n;

const plan = (n: number) => `P${n * 100}-${String(n).repeat(8).slice(0, 8)}`;
const closed = (n: number) => ({ planId: plan(n), toBlock: n * 100 });

describe('archiveStep', () => {
  it('archives each closed plan once, keeps the newest in the workbook and drops the rest with their snapshots', () => {
    // Plans 1 and 2 are archived already, plan 3 was just paid; all three are still in Payouts.
    const step = archiveStep(new Set([plan(1), plan(2), plan(3), 'P400-open']), [closed(1), closed(2), closed(3)], [closed(1), closed(2)]);
    expect(step.write).toEqual([{ ...closed(3), afterBlock: 200 }]);
    expect(step.dropPlans).toEqual([plan(1), plan(2)]);
    expect(step.dropSnapshotsThrough).toBe(200);
    expect(step.restore).toBeNull();
  });

  it('the first paid plan takes every snapshot up to its end and nothing leaves the workbook yet', () => {
    const step = archiveStep(new Set([plan(1)]), [closed(1)], []);
    expect(step.write).toEqual([{ ...closed(1), afterBlock: null }]);
    expect(step.dropPlans).toEqual([]);
    expect(step.dropSnapshotsThrough).toBeNull();
  });

  it('puts the newest archived plan back when an older copy of the workbook lost it', () => {
    const step = archiveStep(new Set(['P400-open']), [], [closed(1), closed(2), closed(3)]);
    expect(step.restore).toBe(plan(3));
    expect(step.write).toEqual([]);
    expect(step.dropPlans).toEqual([]);
    expect(step.dropSnapshotsThrough).toBe(200);
  });
});

function snapshot(block: number): SnapshotSummary {
  return {
    block,
    blockHash: `0x${block.toString(16).padStart(64, '0')}`,
    time: new Date(Date.UTC(2026, 0, 1) + block * 12_000),
    totalStake: 1_000n * TAO + BigInt(block),
    delegateStake: 100n * TAO + BigInt(block) * 1_000n,
    nominatorStake: 900n * TAO - BigInt(block) * 999n,
    nominators: 2,
    usersStake: 800n * TAO,
  };
}

function payouts(n: number, status: PayoutRow['status'] = 'paid'): PayoutRow[] {
  return [A!, B!].map((address, i) => ({
    planId: plan(n),
    status,
    fromBlock: n * 100 - 75,
    toBlock: n * 100,
    pool: 10n * TAO,
    user: i === 0 ? 'alice' : 'bob',
    address,
    basePpb: 500_000_000n,
    taxPaid: 0n,
    taxReceived: 0n,
    amount: 5n * TAO - BigInt(i),
    batch: status === 'paid' ? 1 : null,
    extrinsicHash: status === 'paid' ? `0x${String(n).repeat(64)}` : null,
    blockNumber: status === 'paid' ? n * 100 + 3 : null,
    blockHash: status === 'paid' ? `0x${String(n + 1).repeat(64)}` : null,
    note: '',
    delivered: null,
  }));
}

/** A workbook with snapshots every 25 blocks from 25 to 400 and plans 1..3 paid (periods end at 100, 200, 300). */
async function paidWorkbook(): Promise<WorkbookStore> {
  const store = new WorkbookStore(path.join(tempDir('archive'), 'valtrac.xlsx'));
  await store.create(createWorkbook({ network: 'local' }), false);
  await store.apply({ kind: 'addUsers', users: [{ name: 'alice', addresses: [A!] }, { name: 'bob', addresses: [B!] }] });
  for (let n = 1; n <= 3; n++) {
    await store.apply({ kind: 'appendSnapshots', rows: [0, 1, 2, 3].map((i) => snapshot((n - 1) * 100 + 25 * (i + 1))) });
    await store.apply({ kind: 'replacePlan', rows: payouts(n) });
    await archivePaidPeriods(store, await store.read());
  }
  await store.apply({ kind: 'appendSnapshots', rows: [325, 350, 375, 400].map(snapshot) });
  await store.apply({ kind: 'replacePlan', rows: payouts(4, 'planned') });
  return store;
}

describe('archivePaidPeriods on a real workbook', () => {
  it('moves paid periods to archive/ and keeps the newest paid plan, the open plan and their snapshots', async () => {
    const store = await paidWorkbook();
    const archives = await listArchives(store.path);
    expect(archives.map((a) => path.basename(a.file))).toEqual([1, 2, 3].map((n) => `${plan(n)}.xlsx`));

    const second = await readArchive(archives[1]!.file);
    expect(second.snapshots.map((s) => s.block)).toEqual([125, 150, 175, 200]);
    expect(second.snapshots[0]).toEqual(snapshot(125));
    expect(second.payouts).toEqual(payouts(2));

    const data = await store.read();
    expect(data.snapshots.map((s) => s.block)).toEqual([225, 250, 275, 300, 325, 350, 375, 400]);
    expect([...new Set(data.payouts.map((p) => p.planId))].sort()).toEqual([plan(3), plan(4)]);
    expect(payoutHistory(data.payouts).closedThrough).toBe(300);
    expect(await snapshotsArchivedThrough(store.path)).toBe(200);
  });

  it('gives statistics and charts the whole history, every row once', async () => {
    const store = await paidWorkbook();
    const history = await withArchive(store.path, await store.read());
    expect(history.snapshots.map((s) => s.block)).toEqual(Array.from({ length: 16 }, (_, i) => 25 * (i + 1)));
    expect(history.payouts.map((p) => `${p.planId}:${p.user}:${p.status}`)).toEqual(
      [1, 2, 3, 4].flatMap((n) => ['alice', 'bob'].map((u) => `${plan(n)}:${u}:${n === 4 ? 'planned' : 'paid'}`)),
    );
    expect(closedPlans(history.payouts).map((c) => c.toBlock)).toEqual([100, 200, 300]);
  });

  it('restores the newest paid plan that an older copy saved over the workbook had lost, so its period is never paid again', async () => {
    const store = await paidWorkbook();
    // What a person's older copy looks like: the paid plan's rows are gone, only the open plan is left.
    await store.apply({ kind: 'archive', dropPlans: [plan(3)], dropSnapshotsThrough: null, restore: [] });
    expect(payoutHistory((await store.read()).payouts).closedThrough).toBeNull();

    const outcome = await archivePaidPeriods(store, await store.read());
    expect(outcome).toMatchObject({ written: [], restored: plan(3), outcome: 'written' });
    const data = await store.read();
    expect(payoutHistory(data.payouts).closedThrough).toBe(300);
    expect(data.payouts.filter((p) => p.planId === plan(3)).map(({ row: _row, ...p }) => p)).toEqual(payouts(3));
  });

  it('is idempotent: a second run writes nothing, and never rewrites an archive file', async () => {
    const store = await paidWorkbook();
    const files = await listArchives(store.path);
    const before = files.map((f) => fs.statSync(f.file).mtimeMs);
    const workbookBefore = fs.readFileSync(store.path);
    expect(await archivePaidPeriods(store, await store.read())).toEqual({ written: [], restored: null, outcome: 'unchanged' });
    expect(files.map((f) => fs.statSync(f.file).mtimeMs)).toEqual(before);
    expect(fs.readFileSync(store.path).equals(workbookBefore)).toBe(true);
    expect(fs.readdirSync(archiveDir(store.path)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('finishes a crash between the archive file and the workbook write: rows leave the workbook on the next run', async () => {
    const store = await paidWorkbook();
    // Undo the last workbook step as if the process died after writing plan 3's archive file.
    const archived = await readArchive((await listArchives(store.path))[1]!.file);
    await store.apply({ kind: 'replacePlan', rows: [...archived.payouts, ...payouts(4, 'planned')] });
    expect(new Set((await store.read()).payouts.map((p) => p.planId)).has(plan(2))).toBe(true);

    const outcome = await archivePaidPeriods(store, await store.read());
    expect(outcome.outcome).toBe('written');
    expect(new Set((await store.read()).payouts.map((p) => p.planId))).toEqual(new Set([plan(3), plan(4)]));
  });
});
