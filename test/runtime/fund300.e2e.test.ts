import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTao } from '../../src/domain/tao.js';
import { SendLog, type FundedEntry, type FundingEntry } from '../../src/workbook/sendLog.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { tempDir } from '../helpers.js';
import { ok, planRows, valtrac } from '../payout/harness.js';
import { alphaOf, type RuntimeChain } from '../support/runtimes/chain.js';
import type { Runtime } from '../support/runtimes/chopsticks.js';
import { startValidator300, type RuntimeKeys } from '../support/runtimes/validator300.js';
import { feePaid, named, stakeRemovals, transfersTo } from '../support/runtimes/events.js';
import { addStake, tao } from '../support/runtimes/validator.js';

// valtrac fund on the real spec-300 runtime (chopsticks): the owner's take sits on root and on subnet 1, whose alpha
// is priced at 1.25 TAO; the payout coldkey holds almost nothing. fund must unstake root first, then subnet 1, move
// exactly what the plan needs to the payout coldkey, and confirm must then pay every user exactly. Every check reads
// the chain with the test's own @polkadot/api. Then, on the same chain: a fund killed right after it sent its batch is
// settled by the rerun, never sent twice; and the owner coldkey as the payout coldkey (fund only unstakes).

const NAMES = ['hotkey', 'owner', 'payer', 'alice', 'bob', 'carol'] as const;
let rt: Runtime;
let chain: RuntimeChain;
let k: RuntimeKeys<(typeof NAMES)[number]>;
let dir: string;
let workbook: string;
let store: WorkbookStore;
const w = () => ['--workbook', workbook];
// The sale's own price impact on subnet 1's pool (1,000 TAO deep) is about 0.8 %: above the default 0.5 % limit.
const slip = ['--slippage', '2'];
const ownerEnv = () => ({ VALTRAC_OWNER_MNEMONIC: k.owner.uri });
const figures: string[] = [];

beforeAll(async () => {
  ({ rt, chain, k } = await startValidator300('fund300', NAMES, (name) => (name === 'payer' ? tao(1) / 5n : tao(10_000))));
  const hotkey = k.hotkey.address;
  // The owner's take: 1 TAO on root, 10 TAO staked into subnet 1 (about 8 alpha).
  await addStake(chain, hotkey, [
    { coldkey: k.owner, netuid: 0, amount: tao(1) },
    { coldkey: k.owner, netuid: 1, amount: tao(10) },
    { coldkey: k.alice, netuid: 0, amount: tao(30) },
    { coldkey: k.bob, netuid: 1, amount: tao(12) },
    { coldkey: k.carol, netuid: 0, amount: tao(4) },
  ]);
  dir = tempDir('rt-fund300');
  workbook = path.join(dir, 'valtrac.xlsx');
  await ok(['init', ...w(), '--hotkey', hotkey, '--network', rt.url]);
  await ok(['users', 'add', ...w(), 'alice', k.alice.address]);
  await ok(['users', 'add', ...w(), 'bob', k.bob.address]);
  await ok(['users', 'add', ...w(), 'carol', k.carol.address]);
  store = new WorkbookStore(workbook);
  await store.apply({ kind: 'setSettings', settings: { payoutColdkey: k.payer.address } });
  await ok(['snapshot', '--once', ...w()]);
  await addStake(chain, hotkey, [{ coldkey: k.carol, netuid: 0, amount: tao(1) }]);
  await ok(['snapshot', '--once', ...w()]);
}, 900_000);

afterAll(async () => {
  if (figures.length) console.log(`fund on the real runtime (spec 300):\n${figures.join('\n')}`);
  await chain?.close();
  await rt?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const fundEntries = () => SendLog.beside(workbook).entries().filter((e) => e.type === 'funding' || e.type === 'funded');

describe('spec 300: fund moves the take to the payout coldkey, then confirm pays it', { timeout: 900_000 }, () => {
  it('refuses before signing when the take is not enough, naming what it holds', async () => {
    await ok(['plan', ...w(), '--pool', '100']);
    const nonce = await chain.nonce(k.owner.address);
    const result = await valtrac(['fund', ...w(), '--yes'], ownerEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^valtrac: the owner's take on \S+ is not enough: the payout coldkey needs [\d.]+ TAO, and the owner coldkey's stake there brings at most [\d.]+ TAO at the price limits \(subnet 0: .*subnet 1: .*\) at block \d+\. .*Nothing was signed\.\n$/);
    expect(await chain.nonce(k.owner.address)).toBe(nonce);
    expect(fundEntries()).toEqual([]);
  });

  it('a dry run without a key shows the batch (root first, then subnet 1, then the transfer) and sends nothing', async () => {
    await ok(['plan', ...w(), '--pool', '5']);
    const nonce = await chain.nonce(k.owner.address);
    const result = await ok(['fund', ...w(), ...slip, '--dry-run']);
    const lines = result.stdout.split('\n');
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/unstake 1\.000000000 α on subnet 0 \(root, 1:1\)/)).toBeGreaterThan(0);
    expect(at(/unstake [\d.]+ α on subnet 1 \(limit [\d.]+ TAO\/α\)/)).toBeGreaterThan(at(/on subnet 0/));
    expect(at(/transfer_keep_alive [\d.]+ TAO to the payout coldkey/)).toBeGreaterThan(at(/on subnet 1/));
    expect(result.stdout).toContain('Dry run: nothing was signed or sent.');
    const tight = await valtrac(['fund', ...w(), '--dry-run'], ownerEnv());
    expect(tight.code).toBe(1);
    expect(tight.stderr).toMatch(/SlippageTooHigh.*moves the price by more than --slippage 0\.5 %: allow more/);
    const withKey = await ok(['fund', ...w(), ...slip, '--dry-run'], ownerEnv());
    expect(withKey.stdout).toContain("The runtime's dry run accepts the funding batch.");
    expect(await chain.nonce(k.owner.address)).toBe(nonce);
    expect(fundEntries()).toEqual([]);
  });

  it('a rehearsal runs the signed batch on a fork and sends nothing to the node', async () => {
    const before = await chain.freeBalance(k.payer.address);
    const nonce = await chain.nonce(k.owner.address);
    const result = await ok(['fund', ...w(), ...slip, '--rehearse'], ownerEnv());
    expect(result.stdout).toMatch(/Rehearsal: the funding batch would be included in block \d+; fee [\d.]+ TAO \(estimated [\d.]+\)\./);
    expect(result.stdout).toMatch(/subnet 0: 1\.000000000 α unstaked, 1\.000000000 TAO received/);
    expect(result.stdout).toMatch(/subnet 1: [\d.]+ α unstaked, [\d.]+ TAO received/);
    expect(await chain.freeBalance(k.payer.address)).toBe(before);
    expect(await chain.nonce(k.owner.address)).toBe(nonce);
    expect(fundEntries()).toEqual([]);
  });

  it('funds: the payout coldkey rises by what the events say, each unstake as StakeRemoved shows it, recorded in the send log', async () => {
    const hotkey = k.hotkey.address;
    const payerBefore = await chain.freeBalance(k.payer.address);
    const alphaBefore = [await alphaOf(chain, hotkey, k.owner.address, 0), await alphaOf(chain, hotkey, k.owner.address, 1)];
    const result = await ok(['fund', ...w(), ...slip, '--yes'], ownerEnv());
    const need = BigInt(/= ([\d.]+) TAO to fund\./.exec(result.stdout)![1]!.replace('.', ''));
    const entries = fundEntries();
    expect(entries.map((e) => e.type)).toEqual(['funding', 'funded']);
    const [sent, settled] = entries as [FundingEntry, FundedEntry];
    expect(settled.outcome).toBe('funded');
    const events = await chain.extrinsicEvents(settled.blockHash!, sent.extrinsicHash);
    expect(named(events, 'utility', 'BatchCompleted')).toHaveLength(1);
    const removed = stakeRemovals(events);
    expect(removed.map((r) => r.netuid)).toEqual([0, 1]);
    expect(removed[0]!.alpha).toBe(tao(1));
    expect(removed[0]!.tao).toBe(tao(1));
    const transfers = transfersTo(events, k.payer.address);
    expect(transfers).toHaveLength(1);
    const moved = transfers[0]!;
    expect(moved).toBe(need);
    expect((await chain.freeBalance(k.payer.address)) - payerBefore).toBe(moved);
    expect(removed.reduce((s, r) => s + r.tao, 0n)).toBeGreaterThanOrEqual(moved);
    const alphaAfter = [await alphaOf(chain, hotkey, k.owner.address, 0), await alphaOf(chain, hotkey, k.owner.address, 1)];
    expect(alphaBefore[0]! - alphaAfter[0]!).toBe(removed[0]!.alpha);
    expect(alphaBefore[1]! - alphaAfter[1]! - removed[1]!.alpha).toBeLessThanOrEqual(1n);
    expect(settled.received).toEqual(removed.map((r) => ({ netuid: r.netuid, alpha: r.alpha.toString(), tao: r.tao.toString() })));
    expect(settled.transferred).toBe(moved.toString());
    const fee = feePaid(events);
    const estimate = /Fee about ([\d.]+) TAO/.exec(result.stdout)![1]!;
    for (const [i, u] of sent.unstakes.entries()) {
      figures.push(`subnet ${u.netuid}: unstaked ${formatTao(removed[i]!.alpha)} α, received ${formatTao(removed[i]!.tao)} TAO (expected ${formatTao(BigInt(u.expected))}, at least ${formatTao(BigInt(u.guaranteed))}, limit ${formatTao(BigInt(u.limitPrice))} TAO/α)`);
    }
    figures.push(`transferred ${formatTao(moved)} TAO to the payout coldkey (needed ${formatTao(need)}); fee ${formatTao(fee)} TAO, estimated ${estimate}`);
    expect(result.stdout).toContain(`the payout coldkey ${k.payer.address} received ${formatTao(moved)} TAO of ${formatTao(need)} TAO`);
  });

  it('a second fund sends nothing', async () => {
    const nonce = await chain.nonce(k.owner.address);
    const result = await ok(['fund', ...w(), ...slip, '--yes'], ownerEnv());
    expect(result.stdout).toContain('already holds what confirm needs: nothing to fund.');
    expect(await chain.nonce(k.owner.address)).toBe(nonce);
    expect(fundEntries()).toHaveLength(2);
  });

  it('confirm then pays every user exactly from what fund moved', async () => {
    const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
    expect(rows.length).toBe(3);
    const before = new Map(await Promise.all(rows.map(async (r) => [r.address, await chain.freeBalance(r.address)] as const)));
    await ok(['confirm', ...w(), '--yes'], { VALTRAC_PAYOUT_MNEMONIC: k.payer.uri });
    for (const r of rows) expect((await chain.freeBalance(r.address)) - before.get(r.address)!).toBe(r.amount);
    expect((await planRows({ workbook, store })).filter((r) => r.status === 'paid')).toHaveLength(3);
    const left = await chain.freeBalance(k.payer.address);
    expect(left).toBeGreaterThanOrEqual(500n);
    figures.push(`after confirm the payout coldkey keeps ${formatTao(left)} TAO`);
    const after = await ok(['fund', ...w(), '--dry-run']);
    expect(after.stdout).toMatch(/nothing to fund, no payment is due \(3 paid\)/);
  });

  // before-send: recorded, never submitted (the rerun submits the same bytes); after-send: submitted, the outcome never
  // recorded (the rerun finds it in a block). Either way one funding batch, settled by the rerun.
  for (const [point, pool] of [['before-send', '1'], ['after-send', '2']] as const) {
    it(`killed ${point} of its batch, fund is settled by the rerun from the chain and never sent again`, async () => {
      await ok(['snapshot', '--once', ...w()]);
      await ok(['plan', ...w(), '--pool', pool]);
      const payerBefore = await chain.freeBalance(k.payer.address);
      const nonce = await chain.nonce(k.owner.address);
      const killed = await valtrac(['fund', ...w(), ...slip, '--yes'], { ...ownerEnv(), VALTRAC_TEST_CRASH_AT: point });
      expect(killed.signal).toBe('SIGKILL');
      // Recorded as sent, with no verdict.
      expect(SendLog.beside(workbook).openFunding()).toHaveLength(1);
      const rerun = await ok(['fund', ...w(), ...slip, '--yes'], ownerEnv());
      expect(rerun.stdout).toMatch(/Reconciling the funding batch of plan \S+ \(0x[0-9a-f]{64}\) with the chain\.\.\.\nFunding batch: included in block \d+/);
      expect(rerun.stdout).toContain('already holds what confirm needs: nothing to fund.');
      expect(rerun.stdout).not.toContain('Funding batch: sending');
      expect(await chain.nonce(k.owner.address)).toBe(nonce + 1);
      const [sent, settled] = fundEntries().slice(-2) as [FundingEntry, FundedEntry];
      expect([sent.type, settled.type, settled.outcome]).toEqual(['funding', 'funded', 'funded']);
      const moved = transfersTo(await chain.extrinsicEvents(settled.blockHash!, sent.extrinsicHash), k.payer.address);
      expect(moved).toEqual([BigInt(sent.transfer)]);
      expect((await chain.freeBalance(k.payer.address)) - payerBefore).toBe(moved[0]);
      const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
      const before = new Map(await Promise.all(rows.map(async (r) => [r.address, await chain.freeBalance(r.address)] as const)));
      await ok(['confirm', ...w(), '--yes'], { VALTRAC_PAYOUT_MNEMONIC: k.payer.uri });
      for (const r of rows) expect((await chain.freeBalance(r.address)) - before.get(r.address)!).toBe(r.amount);
    });
  }
});

describe('spec 300: the owner coldkey is the payout coldkey', { timeout: 900_000 }, () => {
  it('fund only unstakes (no transfer_keep_alive), the free balance rises by what StakeRemoved says less the fee, and confirm pays', async () => {
    const owner = k.owner.address;
    await store.apply({ kind: 'setSettings', settings: { payoutColdkey: owner } });
    // More take on root; the owner's free TAO sent away but for 1 TAO, so the plan needs the take.
    await addStake(chain, k.hotkey.address, [{ coldkey: k.owner, netuid: 0, amount: tao(1) }]);
    await chain.send(chain.api.tx.balances!.transferKeepAlive!(k.hotkey.address, (await chain.freeBalance(owner)) - tao(1)), k.owner);
    await ok(['snapshot', '--once', ...w()]);
    await ok(['plan', ...w(), '--pool', '3']);
    const freeBefore = await chain.freeBalance(owner);
    const nonce = await chain.nonce(owner);
    const result = await ok(['fund', ...w(), ...slip, '--yes'], ownerEnv());
    expect(result.stdout).toContain('(no transfer: the owner coldkey is the payout coldkey)');
    expect(result.stdout).not.toContain('transfer_keep_alive');
    const [sent, settled] = fundEntries().slice(-2) as [FundingEntry, FundedEntry];
    expect(sent.to).toBeNull();
    expect(settled.outcome).toBe('funded');
    // The signed batch itself: the remark, then the unstakes (root, then subnet 1); no balances call.
    const batch = chain.api.createType('Extrinsic', sent.hex).method.args[0] as unknown as Array<{ section: string; method: string }>;
    expect(batch.map((c) => `${c.section}.${c.method}`)).toEqual(['system.remarkWithEvent', 'subtensorModule.removeStakeLimit', 'subtensorModule.removeStakeLimit']);
    const events = await chain.extrinsicEvents(settled.blockHash!, sent.extrinsicHash);
    expect(named(events, 'balances', 'Transfer')).toEqual([]);
    const removed = stakeRemovals(events);
    expect(removed.map((r) => r.netuid)).toEqual([0, 1]);
    const received = removed.reduce((sum, r) => sum + r.tao, 0n);
    const fee = feePaid(events);
    expect((await chain.freeBalance(owner)) - freeBefore).toBe(received - fee);
    figures.push(`owner = payout: unstaked ${removed.map((r) => `${formatTao(r.alpha)} α on subnet ${r.netuid}`).join(', ')}, received ${formatTao(received)} TAO, fee ${formatTao(fee)} TAO`);
    expect(await chain.nonce(owner)).toBe(nonce + 1);

    const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
    const before = new Map(await Promise.all(rows.map(async (r) => [r.address, await chain.freeBalance(r.address)] as const)));
    await ok(['confirm', ...w(), '--yes'], { VALTRAC_PAYOUT_MNEMONIC: k.owner.uri });
    for (const r of rows) expect((await chain.freeBalance(r.address)) - before.get(r.address)!).toBe(r.amount);
    expect((await planRows({ workbook, store })).filter((r) => r.planId === rows[0]!.planId && r.status === 'paid')).toHaveLength(rows.length);
    expect(await chain.nonce(owner)).toBe(nonce + 2);
  });
});
