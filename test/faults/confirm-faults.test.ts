/**
 * The node going away while `confirm` pays, through the real CLI against the test chain: a clear one-line message
 * that says what happened and to run confirm again, nothing lost or half-written, and the rerun pays every user
 * exactly once (the chain's balances and nonce are the judge).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PayoutRow } from '../../src/domain/types.js';
import { SendLog } from '../../src/workbook/sendLog.js';
import { ok, planRows, setUpProgram, startValtrac, tearDown, valtrac, type RunResult, type Setup } from '../payout/harness.js';
import { treeDigest } from './helpers.js';

let s: Setup;
const w = () => ['--workbook', s.workbook];
const noStack = /\n\s+at .+:\d+:\d+/;

beforeAll(async () => {
  s = await setUpProgram('faults');
}, 600_000);
afterAll(async () => {
  await tearDown(s);
});

async function newPlan(): Promise<PayoutRow[]> {
  await s.chain.produceBlocks(20);
  await ok(['snapshot', '--once', ...w()]);
  await ok(['plan', ...w(), '--pool', '5']);
  const rows = (await planRows(s)).filter((r) => r.status === 'planned');
  expect(rows.length).toBeGreaterThan(0);
  return rows;
}

function balancesOf(rows: PayoutRow[]): Map<string, bigint> {
  return new Map([...rows.map((r) => r.address), s.keys.payer].map((a) => [a, s.chain.freeBalance(a)]));
}

async function until(what: string, condition: () => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** The person's view of a failed run: one `valtrac:` line, no stack trace, no library log. */
function expectOneLine(result: RunResult, pattern: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).not.toMatch(noStack);
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

/** Payouts and the send log agree that one batch is open: recorded as sent, the same hash in both. */
async function expectOpenBatch(rows: PayoutRow[], hash: string): Promise<void> {
  const open = SendLog.beside(s.workbook).open();
  expect(open.map((e) => e.extrinsicHash)).toEqual([hash]);
  expect(open[0]!.users.sort()).toEqual(rows.map((r) => r.user).sort());
  const now = (await s.store.read()).payouts.filter((p) => p.planId === rows[0]!.planId && p.status !== 'carried');
  expect(now.map((p) => [p.user, p.status, p.extrinsicHash])).toEqual(rows.map((r) => [r.user, 'sent', hash]));
}

/** Every recipient received exactly their amount once, in the batch first signed; the payer's nonce moved by one. */
async function expectPaidOnce(rows: PayoutRow[], before: Map<string, bigint>, nonce: number, hash: string): Promise<void> {
  for (const r of rows) expect(s.chain.freeBalance(r.address) - before.get(r.address)!).toBe(r.amount);
  expect(s.chain.nonce(s.keys.payer)).toBe(nonce + 1);
  const now = (await s.store.read()).payouts.filter((p) => p.planId === rows[0]!.planId && p.status !== 'carried');
  for (const p of now) {
    expect(p.status).toBe('paid');
    expect(p.extrinsicHash).toBe(hash);
    expect(p.blockHash).toBe(s.chain.blockHash(p.blockNumber!));
  }
  const log = SendLog.beside(s.workbook);
  expect(log.open()).toEqual([]);
  expect(log.entries().filter((e) => e.type === 'sending' && e.planId === rows[0]!.planId)).toHaveLength(1);
  expect(s.chain.internalErrors()).toEqual([]);
  expect((await ok(['confirm', ...w(), '--yes'], s.env)).stdout).toContain('nothing to send');
}

/** Starts confirm and resolves once its batch waits in the node's pool (production is paused, so it stays there). */
async function confirmUntilPooled(): Promise<{ hash: string; done: Promise<RunResult> }> {
  expect(s.chain.pendingExtrinsics()).toEqual([]);
  const run = startValtrac(['confirm', ...w(), '--yes'], s.env, ': sending 0x');
  await run.started;
  await until('the batch in the pool', () => s.chain.pendingExtrinsics().length === 1);
  return { hash: s.chain.pendingExtrinsics()[0]!, done: run.done };
}

describe('the node lost while confirm pays', { timeout: 300_000 }, () => {
  it('connection cut after the batch reached the pool: confirm says to run it again; the rerun finds it in a block', async () => {
    const rows = await newPlan();
    const before = balancesOf(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    const { hash, done } = await confirmUntilPooled();
    s.chain.dropConnections();

    const lost = await done;
    expectOneLine(lost, /^valtrac: lost the connection to the node .*batch \d+.* run confirm again/);
    await expectOpenBatch(rows, hash);
    for (const r of rows) expect(s.chain.freeBalance(r.address)).toBe(before.get(r.address));

    // While confirm is away the node includes the batch and finalizes it (finality lag 2).
    await s.chain.produceBlocks(3);
    expect(s.chain.pendingExtrinsics()).toEqual([]);
    const rerun = await ok(['confirm', ...w(), '--yes'], s.env);
    expect(rerun.stdout).toContain('Reconciling batch');
    expect(rerun.stdout).not.toContain(': sending 0x');
    await expectPaidOnce(rows, before, nonce, hash);
  });

  it('node restarted after the batch reached its pool (pool lost): the rerun resubmits the same signed bytes, pays once', async () => {
    const rows = await newPlan();
    const before = balancesOf(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    const { hash, done } = await confirmUntilPooled();
    await s.chain.stopServing();

    const lost = await done;
    expectOneLine(lost, /^valtrac: lost the connection to the node .*batch \d+.* run confirm again/);
    await expectOpenBatch(rows, hash);

    await s.chain.startServing();
    expect(s.chain.pendingExtrinsics()).toEqual([]);
    const rerun = startValtrac(['confirm', ...w(), '--yes'], s.env, 'Reconciling batch');
    await rerun.started;
    await until('the same batch back in the pool', () => s.chain.pendingExtrinsics().includes(hash));
    await s.chain.produceBlocks(3);
    const result = await rerun.done;
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).not.toContain(': sending 0x');
    await expectPaidOnce(rows, before, nonce, hash);
  });

  it('down before anything is sent: confirm gives up naming the node, writes nothing; with the node back it pays once', async () => {
    const rows = await newPlan();
    const before = balancesOf(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    // The earlier periods left a send log: it must not gain a line.
    expect(SendLog.beside(s.workbook).entries().length).toBeGreaterThan(0);
    const folder = treeDigest(s.dir);
    await s.chain.stopServing();

    const down = await valtrac(['confirm', ...w(), '--yes'], s.env);
    expect(down.code).toBe(1);
    expect(down.stderr).not.toMatch(noStack);
    // Without --network, the workbook's node is where confirm connects: the way out names that setting's cell.
    expect(down.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^valtrac: cannot reach the subtensor node at ${s.chain.url} .*running.*point Settings!B4 \\(Network\\) at another node`),
    );
    expect(treeDigest(s.dir)).toEqual(folder);

    await s.chain.startServing();
    s.chain.resumeProduction();
    const paid = await ok(['confirm', ...w(), '--yes'], s.env);
    s.chain.pauseProduction();
    const hash = /sending (0x[0-9a-f]{64})/.exec(paid.stdout)![1]!;
    await expectPaidOnce(rows, before, nonce, hash);
  });
});
