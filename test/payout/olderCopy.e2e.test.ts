import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutRow } from '../../src/domain/types.js';
import { archiveDir, listArchives } from '../../src/workbook/archive.js';
import { ok, planRows, setUpProgram, tearDown, valtrac, type Setup } from './harness.js';

// A person saves an older copy of the workbook over it after a payout (they had it open, or copied it back from
// elsewhere): whatever that copy lost, no period may be paid twice. One program, one chain, period after period.
let s: Setup;
const w = () => ['--workbook', s.workbook];

/**
 * Saves `copy` over the workbook. With the record of ValTrac's writes beside it the store itself puts back what the copy
 * lacks (test/faults/older-copy.test.ts); `recordGone` takes that record away too (a copy older than its month, or
 * the folder copied without its dot-files), so what is left to find the paid plan is the send log and the archive.
 */
function saveOlderCopy(copy: Buffer, recordGone: boolean): void {
  fs.writeFileSync(s.workbook, copy);
  if (recordGone) fs.rmSync(path.join(path.dirname(s.workbook), '.valtrac-writes.jsonl'), { force: true });
}

beforeAll(async () => {
  s = await setUpProgram('older-copy');
}, 600_000);
afterAll(async () => {
  await tearDown(s);
});

/** confirm with the chain producing blocks (the harness otherwise produces them only when told). */
async function confirm(): Promise<void> {
  s.chain.resumeProduction();
  try {
    await ok(['confirm', ...w(), '--yes'], s.env);
  } finally {
    s.chain.pauseProduction();
  }
}

/** Plans the period, keeps the workbook as it was before confirm (the "older copy"), pays, and returns both. */
async function payPeriod(pool: string): Promise<{ paid: PayoutRow[]; olderCopy: Buffer; beforePlan: Buffer }> {
  await s.chain.produceBlocks(300);
  await ok(['snapshot', '--once', ...w()]);
  const beforePlan = fs.readFileSync(s.workbook);
  await ok(['plan', ...w(), '--pool', pool]);
  const olderCopy = fs.readFileSync(s.workbook);
  await confirm();
  const paid = (await planRows(s)).filter((r) => r.status === 'paid');
  expect(paid.length).toBeGreaterThan(0);
  return { paid, olderCopy, beforePlan };
}

function received(rows: PayoutRow[]): Map<string, bigint> {
  return new Map(rows.map((r) => [r.address, s.chain.freeBalance(r.address)]));
}

/** After the next period is planned and paid: each user got exactly the new plan's amount, and the new period starts after the paid one. */
async function expectOnlyNextPeriodPaid(previous: PayoutRow[]): Promise<string> {
  const before = received(previous);
  await s.chain.produceBlocks(300);
  await ok(['snapshot', '--once', ...w()]);
  const plan = await ok(['plan', ...w(), '--pool', '3']);
  const next = await planRows(s);
  expect(Math.min(...next.map((r) => r.fromBlock))).toBeGreaterThan(Math.max(...previous.map((r) => r.toBlock)));
  await confirm();
  for (const row of next.filter((r) => r.status === 'planned')) {
    expect(s.chain.freeBalance(row.address) - before.get(row.address)!).toBe(row.amount);
  }
  return plan.stdout;
}

describe('an older copy saved over the workbook after a payout', () => {
  it('with the record of its writes beside it: the store puts the paid rows back itself, and only the next period is paid', async () => {
    const { paid, olderCopy } = await payPeriod('10');
    saveOlderCopy(olderCopy, false);
    const restored = (await s.store.read()).payouts.filter((r) => r.planId === paid[0]!.planId && r.status === 'paid');
    expect(restored.map((r) => [r.user, r.extrinsicHash, r.blockNumber])).toEqual(paid.map((r) => [r.user, r.extrinsicHash, r.blockNumber]));
    await expectOnlyNextPeriodPaid(paid);
  }, 300_000);

  it('that still shows the plan as planned: plan marks the rows paid again from the archive, and pays only the next period', async () => {
    const { paid, olderCopy } = await payPeriod('10');
    saveOlderCopy(olderCopy, true);
    expect((await planRows(s)).every((r) => r.status !== 'paid')).toBe(true);

    await s.chain.produceBlocks(300);
    await ok(['snapshot', '--once', ...w()]);
    const plan = await ok(['plan', ...w(), '--pool', '3']);
    expect(plan.stdout).toContain(`restored the rows of paid plan ${paid[0]!.planId} from its archive`);
    const restored = (await s.store.read()).payouts.filter((r) => r.planId === paid[0]!.planId && r.status === 'paid');
    expect(restored.map((r) => [r.user, r.extrinsicHash, r.blockNumber])).toEqual(paid.map((r) => [r.user, r.extrinsicHash, r.blockNumber]));

    const next = await planRows(s);
    expect(Math.min(...next.map((r) => r.fromBlock))).toBeGreaterThan(paid[0]!.toBlock);
    const before = received(next);
    await confirm();
    for (const row of next.filter((r) => r.status === 'planned')) {
      expect(s.chain.freeBalance(row.address) - before.get(row.address)!).toBe(row.amount);
    }
  }, 300_000);

  it('that has no row of the paid plan at all: plan puts the rows back from workbook/archive/', async () => {
    const { paid, beforePlan } = await payPeriod('5');
    expect((await listArchives(s.workbook)).map((a) => a.planId)).toContain(paid[0]!.planId);
    saveOlderCopy(beforePlan, true);
    expect((await s.store.read()).payouts.some((r) => r.planId === paid[0]!.planId)).toBe(false);

    const planned = await expectOnlyNextPeriodPaid(paid);
    expect(planned).toContain(`restored the rows of paid plan ${paid[0]!.planId} from its archive`);
  }, 300_000);

  it('with the archive gone too: plan refuses, names the send log and the backup folder, and writes nothing', async () => {
    const { paid, beforePlan } = await payPeriod('4');
    saveOlderCopy(beforePlan, true);
    fs.rmSync(archiveDir(s.workbook), { recursive: true });
    await s.chain.produceBlocks(300);
    await ok(['snapshot', '--once', ...w()]);
    const workbookBefore = fs.readFileSync(s.workbook);

    const refused = await valtrac(['plan', ...w(), '--pool', '3']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(`the newest: plan ${paid[0]!.planId} paid`);
    expect(refused.stderr).toContain('.backup');
    expect(refused.stderr).not.toMatch(/\n\s+at /);
    expect(fs.readFileSync(s.workbook).equals(workbookBefore)).toBe(true);
  }, 300_000);
});
