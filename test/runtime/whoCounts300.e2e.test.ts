import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listRecords, readRecord, recordsDir } from '../../src/workbook/records.js';
import { readRegistrations } from '../../src/workbook/registrations.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { tempDir } from '../helpers.js';
import { ok, planRows } from '../payout/harness.js';
import type { RuntimeChain } from '../support/runtimes/chain.js';
import type { Runtime } from '../support/runtimes/chopsticks.js';
import { startValidator300, type RuntimeKeys } from '../support/runtimes/validator300.js';
import { addStake, tao } from '../support/runtimes/validator.js';

// Issue 20, point 2, on the real spec-300 runtime: erin is added to Users in the middle of a period (after its first
// snapshot). Under "Users count from: period" she is paid as if registered from the period's start and the Snapshots
// sheet shows her stake at every snapshot of the period; under "added" she counts from the first snapshot after she was
// added, and the sheet shows 0 for her before it. The expected base shares are computed here from the records'
// stakes with exact fractions.

const NAMES = ['hotkey', 'owner', 'payer', 'alice', 'erin', 'outsider'] as const;
let rt: Runtime;
let chain: RuntimeChain;
let k: RuntimeKeys<(typeof NAMES)[number]>;
let dir: string;
let workbook: string;
let store: WorkbookStore;
let blocks: number[];
const w = () => ['--workbook', workbook];

beforeAll(async () => {
  ({ rt, chain, k } = await startValidator300('who', NAMES, () => tao(1_000)));
  await addStake(chain, k.hotkey.address, [
    { coldkey: k.alice, netuid: 0, amount: tao(30) },
    { coldkey: k.erin, netuid: 0, amount: tao(10) },
    { coldkey: k.outsider, netuid: 0, amount: tao(60) },
  ]);

  dir = tempDir('rt-who-counts');
  workbook = path.join(dir, 'valtrac.xlsx');
  await ok(['init', ...w(), '--hotkey', k.hotkey.address, '--network', rt.url, '--payout-coldkey', k.payer.address]);
  await ok(['users', 'add', ...w(), 'alice', k.alice.address]);
  store = new WorkbookStore(workbook);

  await ok(['snapshot', '--once', ...w()]);
  // erin joins the program in the middle of the period.
  await ok(['users', 'add', ...w(), 'erin', k.erin.address]);
  await chain.newBlocks(2);
  await ok(['snapshot', '--once', ...w()]);
  await addStake(chain, k.hotkey.address, [{ coldkey: k.erin, netuid: 0, amount: tao(5) }]);
  await ok(['snapshot', '--once', ...w()]);
  blocks = await listRecords(recordsDir(workbook));
}, 900_000);

afterAll(async () => {
  await chain?.close();
  await rt?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** Each snapshot's stake of `coldkey` and the nominator stake, from the records. */
async function stakes(coldkey: string): Promise<Array<{ block: number; stake: bigint; nominators: bigint }>> {
  return Promise.all(blocks.map(async (block) => {
    const r = await readRecord(recordsDir(workbook), block);
    return { block, stake: r.nominators.find((n) => n.coldkey === coldkey)?.stake ?? 0n, nominators: r.totalStake - r.delegateStake };
  }));
}

/** floor(10^9 × (1/n) Σ stake/nominators) over all snapshots, a snapshot before `from` counting as 0. */
function basePpb(points: Array<{ block: number; stake: bigint; nominators: bigint }>, from: number): bigint {
  let num = 0n;
  let den = 1n;
  for (const p of points) {
    if (p.block < from) continue;
    num = num * p.nominators + p.stake * den;
    den *= p.nominators;
  }
  return (num * 1_000_000_000n) / (den * BigInt(points.length));
}

const usersStake = async (block: number) => (await store.read()).snapshots.find((s) => s.block === block)!.usersStake;

describe('spec 300: a user added in the middle of a period', { timeout: 900_000 }, () => {
  it('ValTrac records the block she was added at: the first snapshot after she joined', async () => {
    expect(blocks).toHaveLength(3);
    expect(await readRegistrations(recordsDir(workbook))).toEqual(new Map([[k.alice.address, 0], [k.erin.address, blocks[1]!]]));
  });

  it('period (the default): paid from the period start; the Snapshots sheet shows her stake at the first snapshot too', async () => {
    const erin = await stakes(k.erin.address);
    const alice = await stakes(k.alice.address);
    expect(await usersStake(blocks[0]!)).toBe(alice[0]!.stake + erin[0]!.stake);
    const plan = await ok(['plan', ...w(), '--pool', '1']);
    expect(plan.stdout).toContain('users count from the start of the period in which they were added (Settings: Users count from period)');
    const rows = await planRows({ workbook, store });
    expect(rows.find((r) => r.user === 'erin')!.basePpb).toBe(basePpb(erin, 0));
    expect(rows.find((r) => r.user === 'alice')!.basePpb).toBe(basePpb(alice, 0));
  });

  it('added: counted from the snapshot after she was added; the sheet shows 0 for her before it; the money follows', async () => {
    await ok(['settings', 'set', ...w(), 'count-from', 'added']);
    const erin = await stakes(k.erin.address);
    const alice = await stakes(k.alice.address);
    const plan = await ok(['plan', ...w(), '--pool', '1']);
    expect(plan.stdout).toContain('users count from the first snapshot after they were added (Settings: Users count from added)');
    expect(plan.stdout).toContain("restated the users' stake of 1 Snapshots row(s)");
    expect(await usersStake(blocks[0]!)).toBe(alice[0]!.stake);
    expect(await usersStake(blocks[1]!)).toBe(alice[1]!.stake + erin[1]!.stake);
    const rows = await planRows({ workbook, store });
    const erinBase = basePpb(erin, blocks[1]!);
    expect(rows.find((r) => r.user === 'erin')!.basePpb).toBe(erinBase);
    expect(erinBase).toBeLessThan(basePpb(erin, 0));
    expect(rows.find((r) => r.user === 'alice')!.basePpb).toBe(basePpb(alice, 0));
    // The amounts add up to the allocated part of the 1 TAO pool, and erin's is her share of it (within a RAO).
    const erinAmount = rows.find((r) => r.user === 'erin')!.amount;
    const gap = erinAmount - (tao(1) * erinBase) / 1_000_000_000n;
    expect(gap >= -2n && gap <= 2n, `erin ${erinAmount} RAO for ${erinBase} ppb`).toBe(true);
  });
});
