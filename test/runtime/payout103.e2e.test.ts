import fs from 'node:fs';
import path from 'node:path';
import type { EventRecord } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { blake2AsHex } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendLog } from '../../src/workbook/sendLog.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { tempDir } from '../helpers.js';
import { ok, planRows, valtrac } from '../payout/harness.js';
import { RuntimeChain } from '../support/runtimes/chain.js';
import { startRuntime, type Runtime } from '../support/runtimes/chopsticks.js';
import { runtimeKeys, tao } from '../support/runtimes/validator.js';

// spec 103 (2023 testnet genesis) has no Utility pallet: confirm pays with one transfer_keep_alive per payment, with
// consecutive nonces after a remark that carries the plan id, every one recorded before it is sent.

const NAMES = ['hotkey', 'owner', 'payer', 'alice', 'bob', 'carol', 'outsider'] as const;
let rt: Runtime;
let chain: RuntimeChain;
let k: Awaited<ReturnType<typeof runtimeKeys<(typeof NAMES)[number]>>>;
let dir: string;
let workbook: string;
let store: WorkbookStore;
const w = () => ['--workbook', workbook];
const env = () => ({ VALTRAC_PAYOUT_MNEMONIC: k.payer.uri });

/**
 * Registration is disabled on this genesis, so the validator is put in storage as a chain that ran then would hold it:
 * Owner, Delegates, each nominator's Stake and the hotkey's TotalHotkeyStake.
 */
async function setStakes(stakes: Array<[string, bigint]>): Promise<void> {
  const total = stakes.reduce((sum, [, amount]) => sum + amount, 0n);
  await chain.api.rpc('dev_setStorage', {
    SubtensorModule: {
      Owner: [[[k.hotkey.address], k.owner.address]],
      Delegates: [[[k.hotkey.address], 9_000]],
      Stake: stakes.map(([coldkey, amount]) => [[k.hotkey.address, coldkey], amount.toString()]),
      TotalHotkeyStake: [[[k.hotkey.address], total.toString()]],
    },
  });
  await chain.newBlocks(1);
}

beforeAll(async () => {
  rt = await startRuntime(103);
  chain = await RuntimeChain.connect(rt.url);
  k = await runtimeKeys('p103', NAMES);
  await chain.fund(new Map(Object.values(k).map((p) => [p.address, tao(1_000)])));
  await setStakes([[k.owner.address, tao(50)], [k.alice.address, tao(30)], [k.bob.address, tao(20)], [k.carol.address, tao(5)], [k.outsider.address, tao(10)]]);
  dir = tempDir('rt-payout103');
  workbook = path.join(dir, 'valtrac.xlsx');
  await ok(['init', ...w(), '--hotkey', k.hotkey.address, '--network', rt.url]);
  for (const name of ['alice', 'bob', 'carol'] as const) await ok(['users', 'add', ...w(), name, k[name].address]);
  await ok(['referrals', 'add', ...w(), 'alice', 'bob', '10']);
  store = new WorkbookStore(workbook);
  await store.apply({ kind: 'setSettings', settings: { payoutColdkey: k.payer.address } });
  await ok(['snapshot', '--once', ...w()]);
  await setStakes([[k.owner.address, tao(51)], [k.alice.address, tao(30)], [k.bob.address, tao(25)], [k.carol.address, tao(5)], [k.outsider.address, tao(10)]]);
  await ok(['snapshot', '--once', ...w()]);
}, 600_000);

afterAll(async () => {
  await chain?.close();
  await rt?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const data = (e: EventRecord) => e.event.data as unknown as Codec[];

describe('spec 103 (no utility.batch_all): one transfer per payment, never twice', { timeout: 900_000 }, () => {
  it('records the legacy stake the runtime totals', async () => {
    const rows = (await store.read()).snapshots;
    expect(rows.at(-1)!.totalStake).toBe(tao(121));
    expect(rows.at(-1)!.delegateStake).toBe(tao(51));
    expect(rows.at(-1)!.usersStake).toBe(tao(60));
  });

  it('pays each user exactly with consecutive nonces after a plan-id remark; the payer falls by total + fees', async () => {
    await ok(['plan', ...w(), '--pool', '1']);
    const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
    const before = new Map(await Promise.all([k.payer.address, ...rows.map((r) => r.address)].map(async (a) => [a, await chain.freeBalance(a)] as const)));
    const nonce = await chain.nonce(k.payer.address);
    const result = await ok(['confirm', ...w(), '--yes'], env());
    expect(result.stdout).toContain('this runtime has no utility.batch_all: one per payment, after a remark with the plan id');
    expect(await chain.nonce(k.payer.address)).toBe(nonce + 1 + rows.length);

    const entries = SendLog.beside(workbook).entries().filter((e) => e.type === 'sending');
    expect(entries.map((e) => (e.type === 'sending' ? e.nonce : -1))).toEqual(Array.from({ length: rows.length + 1 }, (_, i) => nonce + i));
    let fees = 0n;
    const settled = SendLog.beside(workbook).entries().filter((e) => e.type === 'settled');
    for (const e of entries) {
      if (e.type !== 'sending') continue;
      const s = settled.find((x) => x.extrinsicHash === e.extrinsicHash)!;
      expect(s.type === 'settled' && s.outcome).toBe('paid');
      const events = await chain.extrinsicEvents(s.type === 'settled' ? s.blockHash! : '', e.extrinsicHash);
      fees += BigInt(data(events.find((x) => x.event.method === 'TransactionFeePaid')!)[1]!.toString());
      if (e.users.length === 0) {
        expect(events.filter((x) => x.event.method === 'Remarked').map((x) => data(x)[1]!.toString())).toEqual([blake2AsHex(e.remark!)]);
      } else {
        const row = rows.find((r) => r.user === e.users[0])!;
        expect(events.filter((x) => x.event.method === 'Transfer').map((x) => [data(x)[1]!.toString(), BigInt(data(x)[2]!.toString())])).toEqual([[row.address, row.amount]]);
      }
    }
    const paid = await planRows({ workbook, store });
    const total = rows.reduce((sum, r) => sum + r.amount, 0n);
    for (const r of rows) {
      expect((await chain.freeBalance(r.address)) - before.get(r.address)!).toBe(r.amount);
      const row = paid.find((p) => p.user === r.user)!;
      expect(row.status).toBe('paid');
      expect(row.delivered).toBe(r.amount);
    }
    expect(before.get(k.payer.address)! - (await chain.freeBalance(k.payer.address))).toBe(total + fees);

    const again = await ok(['confirm', ...w(), '--yes'], env());
    expect(again.stdout).toMatch(/nothing to send/);
    expect(await chain.nonce(k.payer.address)).toBe(nonce + 1 + rows.length);
  });

  it('killed right after the first extrinsic reached the node, the rerun pays every user exactly once', async () => {
    await setStakes([[k.owner.address, tao(52)], [k.alice.address, tao(31)], [k.bob.address, tao(25)], [k.carol.address, tao(6)], [k.outsider.address, tao(10)]]);
    await ok(['snapshot', '--once', ...w()]);
    await ok(['plan', ...w(), '--pool', '1']);
    const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
    const before = new Map(await Promise.all(rows.map(async (r) => [r.address, await chain.freeBalance(r.address)] as const)));
    const nonce = await chain.nonce(k.payer.address);
    const killed = await valtrac(['confirm', ...w(), '--yes'], { ...env(), VALTRAC_TEST_CRASH_AT: 'after-send' });
    expect(killed.signal).toBe('SIGKILL');
    const rerun = await ok(['confirm', ...w(), '--yes'], env());
    expect(rerun.stdout).toContain('Reconciling batch');
    for (const r of rows) expect((await chain.freeBalance(r.address)) - before.get(r.address)!).toBe(r.amount);
    expect(await chain.nonce(k.payer.address)).toBe(nonce + 1 + rows.length);
    expect((await planRows({ workbook, store })).filter((r) => r.status === 'planned' || r.status === 'sent')).toEqual([]);
  });
});
