import fs from 'node:fs';
import path from 'node:path';
import { bnToU8a, u8aToHex } from '@polkadot/util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ESCROW_COLDKEY } from '../../src/domain/basket.js';
import { formatTao } from '../../src/domain/tao.js';
import { listRecords, readRecord, recordsDir } from '../../src/workbook/records.js';
import type { WorkbookStore } from '../../src/workbook/store.js';
import { tempDir } from '../helpers.js';
import { ok, planRows } from '../payout/harness.js';
import { snapshotProgram, startProgram300, writeProgramWorkbook, type ProgramKeys } from './program300.js';
import { shareBits, type RuntimeChain } from '../support/runtimes/chain.js';
import type { Runtime } from '../support/runtimes/chopsticks.js';
import { tao } from '../support/runtimes/validator.js';

// The basket escrow of spec 441+ on the real spec-300 runtime (chopsticks): a 300 TAO root position of the escrow
// coldkey on the validator hotkey, seeded with dev_setStorage as an ordinary Alpha entry (TotalHotkeyAlpha and
// TotalHotkeyShares kept consistent). spec 300 has no basket maps, so the escrow is left out of the nominator stake:
// the same program planned with and without the escrow pays every user the same RAO. The scenario is payout300's
// (users, referrals, stake changes between snapshots) with a pool of 10 TAO; measured here: alice 6.032120368 TAO,
// bob 2.183046963, carol 0.677436439, dust 0.000474395, with and without the escrow alike.

const ESCROW_ROOT = tao(300);
let rt: Runtime;
let chain: RuntimeChain;
let k: ProgramKeys;
let dir: string;
const without = { workbook: '', store: null as unknown as WorkbookStore };
const withEscrow = { workbook: '', store: null as unknown as WorkbookStore };
const figures: string[] = [];

const u128 = (v: bigint) => u8aToHex(bnToU8a(v, { bitLength: 128, isLe: true }));

/** Adds the escrow's root position to the hotkey's root pool, at the pool's own share price; returns the undo. */
async function seedEscrow(hotkey: string): Promise<Array<[string, string | null]>> {
  const sm = chain.subtensor;
  const [alpha, shares] = await Promise.all([sm.totalHotkeyAlpha!(hotkey, 0), sm.totalHotkeyShares!(hotkey, 0)]);
  const totalAlpha = BigInt(alpha.toString());
  const totalBits = shareBits(shares);
  const escrowBits = totalAlpha === 0n ? ESCROW_ROOT << 64n : (ESCROW_ROOT * totalBits) / totalAlpha;
  await chain.setRaw([
    [sm.alpha!.key(hotkey, ESCROW_COLDKEY, 0), u128(escrowBits)],
    [sm.totalHotkeyAlpha!.key(hotkey, 0), chain.u64(totalAlpha + ESCROW_ROOT)],
    [sm.totalHotkeyShares!.key(hotkey, 0), u128(totalBits + escrowBits)],
  ]);
  await chain.newBlocks(1);
  return [
    [sm.alpha!.key(hotkey, ESCROW_COLDKEY, 0), null],
    [sm.totalHotkeyAlpha!.key(hotkey, 0), chain.u64(totalAlpha)],
    [sm.totalHotkeyShares!.key(hotkey, 0), u128(totalBits)],
  ];
}

/** One snapshot into each workbook: without the escrow, then with it seeded, then the escrow removed again. */
async function snapshotBoth(): Promise<void> {
  await ok(['snapshot', '--once', '--workbook', without.workbook]);
  const undo = await seedEscrow(k.hotkey.address);
  const run = await ok(['snapshot', '--once', '--workbook', withEscrow.workbook]);
  expect(run.stdout).toMatch(/basket escrow 300\.000000000 TAO \(not a nominator\)/);
  await chain.setRaw(undo);
  await chain.newBlocks(1);
}

beforeAll(async () => {
  ({ rt, chain, k } = await startProgram300());
  dir = tempDir('rt-escrow300');
  for (const [setup, name] of [[without, 'without'], [withEscrow, 'with']] as const) {
    setup.workbook = path.join(dir, name, 'valtrac.xlsx');
    fs.mkdirSync(path.dirname(setup.workbook), { recursive: true });
    setup.store = await writeProgramWorkbook(setup.workbook, k, rt.url);
  }
  await snapshotProgram(chain, k, snapshotBoth);
}, 900_000);

afterAll(async () => {
  if (figures.length) console.log(`Basket escrow on spec 300:\n${figures.join('\n')}`);
  await chain?.close();
  await rt?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('spec 300: the basket escrow is never a nominator', { timeout: 900_000 }, () => {
  it('each record keeps the escrow apart: out of the nominators and the total, its 300 TAO shown on its own', async () => {
    const records = recordsDir(withEscrow.workbook);
    for (const block of await listRecords(records)) {
      const record = await readRecord(records, block);
      expect(record.nominators.map((n) => n.coldkey)).not.toContain(ESCROW_COLDKEY);
      expect(record.escrow?.stake).toBe(ESCROW_ROOT);
      expect(record.escrow?.subnets).toEqual([{ netuid: 0, alpha: ESCROW_ROOT, tao: ESCROW_ROOT }]);
      expect(record.escrow?.basket).toBeUndefined();
    }
    const status = await ok(['status', '--workbook', withEscrow.workbook]);
    expect(status.stdout).toMatch(/[Bb]asket escrow.*300\.000000000 TAO/);
  });

  it('a plan is the same RAO for every user with and without the escrow', async () => {
    const amounts = async (setup: typeof without) => {
      await ok(['plan', '--workbook', setup.workbook, '--pool', '10']);
      return new Map((await planRows(setup)).map((r) => [r.user, r.amount]));
    };
    const plain = await amounts(without);
    const seeded = await amounts(withEscrow);
    expect(seeded).toEqual(plain);
    for (const [user, amount] of plain) figures.push(`${user}: ${formatTao(amount)} TAO without the escrow, ${formatTao(seeded.get(user)!)} TAO with it`);
    // Counted as a nominator, 300 TAO beside ~70 TAO of nominator stake would have cut every amount to about a fifth.
    expect([...plain.keys()].sort()).toEqual(['alice', 'bob', 'carol', 'dust']);
    expect(plain.get('alice')!).toBeGreaterThan(5n * 1_000_000_000n);
  });
});
