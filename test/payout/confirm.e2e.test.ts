import fs from 'node:fs';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { Keyring } from '@polkadot/keyring';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/chain/connect.js';
import { parseTao } from '../../src/domain/tao.js';
import type { PayoutRow } from '../../src/domain/types.js';
import { SendLog } from '../../src/workbook/sendLog.js';
import { ok, planRows, setUpProgram, startValtrac, tearDown, TAO, valtrac, type Setup } from './harness.js';

// One program on one test chain, run through the real CLI period after period: refusals first (nothing may be sent),
// then a payout, then one period per crash point, then a batch that fails on chain. Each step checks the chain itself.
let s: Setup;
const w = () => ['--workbook', s.workbook];

beforeAll(async () => {
  s = await setUpProgram('e2e');
}, 600_000);
afterAll(async () => {
  await tearDown(s);
});

function recipients(rows: PayoutRow[]): PayoutRow[] {
  return rows.filter((r) => r.status === 'planned');
}

async function newPeriod(pool: string): Promise<PayoutRow[]> {
  await s.chain.produceBlocks(300);
  await ok(['snapshot', '--once', ...w()]);
  await ok(['plan', ...w(), '--pool', pool]);
  return planRows(s);
}

async function editPayoutsCell(user: string, column: number, value: Xlsx.CellValue): Promise<void> {
  const workbook = new Xlsx.Workbook();
  await workbook.xlsx.readFile(s.workbook);
  const sheet = workbook.getWorksheet('Payouts')!;
  let edited = 0;
  sheet.eachRow((row) => {
    if (row.getCell(6).text === user && row.getCell(2).text === 'planned') {
      row.getCell(column).value = value;
      edited++;
    }
  });
  expect(edited).toBe(1);
  await workbook.xlsx.writeFile(s.workbook);
}

function expectNothingSent(before: Map<string, bigint>, payerNonce: number): void {
  for (const [address, free] of before) expect(s.chain.freeBalance(address)).toBe(free);
  expect(s.chain.nonce(s.keys.payer)).toBe(payerNonce);
  expect(SendLog.beside(s.workbook).open()).toEqual([]);
}

function snapshotBalances(rows: PayoutRow[]): Map<string, bigint> {
  return new Map([...rows.map((r) => r.address), s.keys.payer].map((a) => [a, s.chain.freeBalance(a)]));
}

/** Every planned recipient received exactly its amount (once), and Payouts shows it paid with the real block. */
async function expectPaidExactlyOnce(rows: PayoutRow[], before: Map<string, bigint>): Promise<void> {
  for (const r of recipients(rows)) expect(s.chain.freeBalance(r.address) - before.get(r.address)!).toBe(r.amount);
  const after = await s.store.read();
  for (const r of recipients(rows)) {
    const row = after.payouts.find((p) => p.planId === r.planId && p.user === r.user)!;
    expect(row.status).toBe('paid');
    // What the chain's own Balances.Transfer event shows arrived, read back from the block by confirm.
    expect(row.delivered).toBe(r.amount);
    expect(row.extrinsicHash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(row.blockHash).toBe(s.chain.blockHash(row.blockNumber!));
  }
  expect(SendLog.beside(s.workbook).open()).toEqual([]);
}

describe('plan and confirm against the test chain', { timeout: 400_000 }, () => {
  it('plan writes a plan that carries a new account below the existential deposit', async () => {
    const result = await ok(['plan', ...w(), '--pool', '10']);
    expect(result.stdout).toContain('Amount (TAO)');
    const rows = await planRows(s);
    expect(rows.map((r) => [r.user, r.status])).toEqual([
      ['alice', 'planned'],
      ['bob', 'planned'],
      ['carol', 'planned'],
      ['dave', 'carried'],
    ]);
    expect(rows.find((r) => r.user === 'dave')!.note).toContain('existential deposit');
    // registered users hold less than all nominator stake, so less than the pool is allocated, never more
    const allocated = rows.reduce((sum, r) => sum + r.amount, 0n);
    expect(allocated > 0n && allocated < 10n * TAO).toBe(true);
  });

  it('refuses a Payouts amount edited by hand, naming the cell, and sends nothing', async () => {
    const rows = await planRows(s);
    const before = snapshotBalances(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    await editPayoutsCell('alice', 11, 5);
    const result = await valtrac(['confirm', ...w(), '--yes'], s.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/valtrac: Payouts!K\d+ \(Amount \(TAO\) of alice in plan P\d+-[0-9a-f]{8}\) was changed after plan/);
    expectNothingSent(before, nonce);
  });

  it('refuses a Payouts address edited by hand', async () => {
    await ok(['plan', ...w(), '--pool', '10']);
    const rows = await planRows(s);
    const before = snapshotBalances(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    await editPayoutsCell('bob', 7, s.keys.outsider);
    const result = await valtrac(['confirm', ...w(), '--yes'], s.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/valtrac: Payouts!G\d+ \(Address of bob in plan .*\) was changed after plan/);
    expectNothingSent(before, nonce);
    await ok(['plan', ...w(), '--pool', '10']);
  });

  it('refuses a key that is not the payout coldkey in Settings', async () => {
    const rows = await planRows(s);
    const before = snapshotBalances(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    const result = await valtrac(['confirm', ...w(), '--yes'], { VALTRAC_PAYOUT_MNEMONIC: '//someone-else' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`is not the payout coldkey ${s.keys.payer} in Settings!B6 (Payout coldkey)`);
    expect(result.stderr + result.stdout).not.toContain('someone-else');
    expectNothingSent(before, nonce);
  });

  it('refuses when the payout coldkey cannot cover total + fees + existential deposit', async () => {
    const rows = await planRows(s);
    s.chain.setFreeBalance(s.keys.payer, 2n * TAO);
    await s.chain.produceBlocks(1);
    const before = snapshotBalances(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    const result = await valtrac(['confirm', ...w(), '--yes'], s.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/has 2\.000000000 TAO free, but needs \d+\.\d{9} TAO .* Nothing was sent/);
    expectNothingSent(before, nonce);
    s.chain.setFreeBalance(s.keys.payer, 1_000n * TAO);
    await s.chain.produceBlocks(1);
  });

  it('--dry-run shows batches, fees and balance and sends nothing', async () => {
    const rows = await planRows(s);
    const before = snapshotBalances(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    const result = await ok(['confirm', ...w(), '--dry-run'], s.env);
    expect(result.stdout).toMatch(/batch 1: 3 transfers, \d+\.\d{9} TAO, fee \d+\.\d{9} TAO/);
    expect(result.stdout).toContain("The runtime's dry run accepts the extrinsic.");
    expect(result.stdout).toContain('Dry run: nothing was sent.');
    expectNothingSent(before, nonce);
  });

  it('pays every planned user exactly their amount; the sender pays total + fee', async () => {
    const rows = await planRows(s);
    const before = snapshotBalances(rows);
    s.chain.resumeProduction();
    const result = await ok(['confirm', ...w(), '--yes'], s.env);
    s.chain.pauseProduction();
    const fee = parseTao(/fees (\d+\.\d{9}) TAO/.exec(result.stdout)![1]!)!;
    const total = recipients(rows).reduce((sum, r) => sum + r.amount, 0n);
    await expectPaidExactlyOnce(rows, before);
    expect(before.get(s.keys.payer)! - s.chain.freeBalance(s.keys.payer)).toBe(total + fee);
    expect(result.stdout).toContain('is paid: the period through block');
  });

  it('the next plan starts after the paid period and adds what was carried', async () => {
    const previous = (await s.store.read()).payouts;
    const closedThrough = Math.max(...previous.filter((r) => r.status === 'paid').map((r) => r.toBlock));
    const carriedDave = previous.find((r) => r.user === 'dave' && r.status === 'carried')!.amount;
    const rows = await newPeriod('10');
    expect(rows[0]!.fromBlock).toBeGreaterThan(closedThrough);
    const dave = rows.find((r) => r.user === 'dave')!;
    expect(dave.note).toContain('carried from plan');
    expect(dave.amount).toBeGreaterThan(carriedDave);
  });

  for (const point of ['before-send', 'after-send', 'after-inclusion'] as const) {
    it(`SIGKILL ${point}: the rerun pays every user exactly once`, async () => {
      const rows = await newPeriod('3');
      const before = snapshotBalances(rows);
      const nonce = s.chain.nonce(s.keys.payer);
      s.chain.resumeProduction();
      const crashed = await valtrac(['confirm', ...w(), '--yes'], { ...s.env, VALTRAC_TEST_CRASH_AT: point });
      expect(crashed.signal).toBe('SIGKILL');
      expect(SendLog.beside(s.workbook).open()).toHaveLength(1);
      const rerun = await ok(['confirm', ...w(), '--yes'], s.env);
      s.chain.pauseProduction();
      expect(rerun.stdout).toContain('Reconciling batch');
      await expectPaidExactlyOnce(rows, before);
      expect(s.chain.nonce(s.keys.payer)).toBe(nonce + 1);
      // a third run has nothing left to send
      expect((await ok(['confirm', ...w(), '--yes'], s.env)).stdout).toContain('nothing to send');
    });
  }

  it('refuses a planned recipient whose new account would be below the existential deposit', async () => {
    // a tiny pool gives alice less than 500 RAO while her account exists, then she empties and reaps it
    const rows = await newPeriod('0.000001');
    const alice = rows.find((r) => r.user === 'alice')!;
    expect(alice.status).toBe('planned');
    expect(alice.amount < 500n).toBe(true);
    const api = await connect(s.chain.url);
    const pair = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//payout-e2e-alice1');
    s.chain.resumeProduction();
    await new Promise<void>((resolve, reject) => {
      void api.tx.balances!.transferAll!(s.keys.outsider, false)
        .signAndSend(pair, (result) => {
          if (result.status.isFinalized) resolve();
        })
        .catch(reject);
    });
    s.chain.pauseProduction();
    await api.disconnect();
    const before = snapshotBalances(rows);
    const nonce = s.chain.nonce(s.keys.payer);
    const result = await valtrac(['confirm', ...w(), '--yes'], s.env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/alice's address .* is a new account and 0\.000000\d{3} TAO is below the existential deposit/);
    expectNothingSent(before, nonce);
  });

  it('a batch that fails on chain marks its rows failed with the decoded error and pays nobody in it', async () => {
    const rows = await newPeriod('10');
    const before = snapshotBalances(rows);
    const run = startValtrac(['confirm', ...w(), '--yes'], s.env, 'Batch ');
    await run.started;
    // the batch is in the pool; before its block, the payer's balance drops below the total (fees still covered)
    s.chain.setFreeBalance(s.keys.payer, 1n * TAO);
    s.chain.resumeProduction();
    const result = await run.done;
    s.chain.pauseProduction();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/batch \d+ failed on chain \(\w+\.\w+/);
    for (const r of recipients(rows)) expect(s.chain.freeBalance(r.address)).toBe(before.get(r.address));
    const after = (await s.store.read()).payouts.filter((p) => p.planId === rows[0]!.planId && p.status !== 'carried');
    expect(after.every((p) => p.status === 'failed' && p.note.includes('failed on chain'))).toBe(true);
    expect(SendLog.beside(s.workbook).open()).toEqual([]);
    // topped up, confirm retries the failed rows and pays them once
    s.chain.setFreeBalance(s.keys.payer, 1_000n * TAO);
    await s.chain.produceBlocks(1);
    const retryBefore = snapshotBalances(rows);
    s.chain.resumeProduction();
    await ok(['confirm', ...w(), '--yes'], s.env);
    s.chain.pauseProduction();
    await expectPaidExactlyOnce(rows, retryBefore);
    expect(fs.existsSync(SendLog.beside(s.workbook).path)).toBe(true);
  });
});
