import fs from 'node:fs';
import path from 'node:path';
import type { EventRecord } from '@polkadot/types/interfaces';
import type { Codec } from '@polkadot/types/types';
import { blake2AsHex } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTao } from '../../src/domain/tao.js';
import type { PayoutRow } from '../../src/domain/types.js';
import { SendLog } from '../../src/workbook/sendLog.js';
import type { WorkbookStore } from '../../src/workbook/store.js';
import { tempDir } from '../helpers.js';
import { ok, planRows, valtrac } from '../payout/harness.js';
import { snapshotProgram, startProgram300, writeProgramWorkbook, type ProgramKeys } from './program300.js';
import type { RuntimeChain } from '../support/runtimes/chain.js';
import type { Runtime } from '../support/runtimes/chopsticks.js';
import { addStake, tao } from '../support/runtimes/validator.js';

// A whole program on the real spec-300 runtime (chopsticks): a validator with nominators on root and on a dynamic
// subnet (price ≠ 1), users with several coldkeys and a two-layer referral chain, snapshots with stake changing
// between them, then plan and confirm through the real CLI. Every check reads the chain with the test's own
// @polkadot/api: balances, alpha, events, nonces.

let rt: Runtime;
let chain: RuntimeChain;
let k: ProgramKeys;
let dir: string;
let workbook: string;
let store: WorkbookStore;
const w = () => ['--workbook', workbook];

/** The figures the closing note reports: planned against delivered, fee estimates against fees charged. */
const figures: string[] = [];

beforeAll(async () => {
  ({ rt, chain, k } = await startProgram300());
  dir = tempDir('rt-payout300');
  workbook = path.join(dir, 'valtrac.xlsx');
  store = await writeProgramWorkbook(workbook, k, rt.url);
  await snapshotProgram(chain, k, () => ok(['snapshot', '--once', ...w()]));
}, 900_000);

afterAll(async () => {
  if (figures.length) console.log(`Real-runtime figures (spec 300):\n${figures.join('\n')}`);
  await chain?.close();
  await rt?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function balances(addresses: string[]): Promise<Map<string, bigint>> {
  return new Map(await Promise.all(addresses.map(async (a) => [a, await chain.freeBalance(a)] as const)));
}

/** The events of the extrinsic that paid `row`, read from its block by the test itself. */
const extrinsicEvents = (row: PayoutRow) => chain.extrinsicEvents(row.blockHash!, row.extrinsicHash!);

const named = (events: EventRecord[], section: string, method: string) => events.filter((e) => e.event.section === section && e.event.method === method);
const fields = (e: EventRecord) => e.event.data as unknown as Codec[];

describe('spec 300: plan and confirm pay what the chain shows', { timeout: 900_000 }, () => {
  it('a rehearsal on a chopsticks fork shows the payout and sends nothing to the node', async () => {
    await ok(['plan', ...w(), '--pool', '2']);
    const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
    expect(rows.map((r) => r.user).sort()).toEqual(['alice', 'bob', 'carol', 'dust']);
    const before = await balances([k.payer.address, ...rows.map((r) => r.address)]);
    const nonce = await chain.nonce(k.payer.address);
    const result = await ok(['confirm', ...w(), '--rehearse'], { VALTRAC_PAYOUT_MNEMONIC: k.payer.uri });
    expect(result.stdout).toMatch(/Rehearsal batch 1 \(4 payments\): would be included in block \d+; fee [\d.]+ TAO \(estimated [\d.]+\)/);
    for (const r of rows) expect(result.stdout).toContain(`${r.user}: ${formatTao(r.amount)} TAO delivered of ${formatTao(r.amount)} planned`);
    expect(result.stdout).toContain('every payment would arrive in full. Nothing was sent to the real node.');
    expect(await balances([k.payer.address, ...rows.map((r) => r.address)])).toEqual(before);
    expect(await chain.nonce(k.payer.address)).toBe(nonce);
    expect(SendLog.beside(workbook).entries()).toEqual([]);
    expect((await planRows({ workbook, store })).every((r) => r.status !== 'paid' && r.status !== 'sent')).toBe(true);
    figures.push(`rehearsal: ${/fee [\d.]+ TAO \(estimated [\d.]+\)/.exec(result.stdout)![0]}`);
  });

  it('TAO: each recipient rises by exactly the planned RAO, the payer falls by total + fee, BatchCompleted and the plan id are on chain', async () => {
    const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
    const before = await balances([k.payer.address, ...rows.map((r) => r.address)]);
    const nonce = await chain.nonce(k.payer.address);
    const result = await ok(['confirm', ...w(), '--yes'], { VALTRAC_PAYOUT_MNEMONIC: k.payer.uri });
    const paid = await planRows({ workbook, store });
    const row0 = paid.find((r) => r.status === 'paid')!;
    const events = await extrinsicEvents(row0);
    const fee = BigInt(fields(named(events, 'transactionPayment', 'TransactionFeePaid')[0]!)[1]!.toString());
    const total = rows.reduce((sum, r) => sum + r.amount, 0n);
    for (const r of rows) {
      const after = await chain.freeBalance(r.address);
      expect(after - before.get(r.address)!).toBe(r.amount);
      const row = paid.find((p) => p.user === r.user)!;
      expect(row.status).toBe('paid');
      expect(row.delivered).toBe(r.amount);
      figures.push(`TAO ${r.user}: planned ${r.amount} RAO, delivered ${after - before.get(r.address)!} RAO`);
    }
    expect(before.get(k.payer.address)! - (await chain.freeBalance(k.payer.address))).toBe(total + fee);
    expect(await chain.nonce(k.payer.address)).toBe(nonce + 1);
    expect(named(events, 'utility', 'BatchCompleted')).toHaveLength(1);
    const transfers = named(events, 'balances', 'Transfer').map((e) => [fields(e)[1]!.toString(), BigInt(fields(e)[2]!.toString())]);
    expect(new Map(transfers as Array<[string, bigint]>)).toEqual(new Map(rows.map((r) => [r.address, r.amount])));
    const remark = named(events, 'system', 'Remarked').map((e) => fields(e)[1]!.toString());
    expect(remark).toEqual([blake2AsHex(`valtrac:${row0.planId}:1`)]);
    const estimate = /fees (\d+\.\d{9}) TAO/.exec(result.stdout)![1]!;
    figures.push(`TAO batch: fee estimated ${estimate} TAO, charged ${formatTao(fee)} TAO`);
  });

  it('a second confirm sends nothing', async () => {
    const nonce = await chain.nonce(k.payer.address);
    const result = await ok(['confirm', ...w(), '--yes'], { VALTRAC_PAYOUT_MNEMONIC: k.payer.uri });
    expect(result.stdout).toMatch(/nothing to send \(4 paid, 0 carried\)/);
    expect(await chain.nonce(k.payer.address)).toBe(nonce);
  });

  it('--as-stake: the alpha each recipient got is what the chain shows, a shortfall is carried, a payment below the minimum goes as TAO', async () => {
    const hotkey = k.hotkey.address;
    await store.apply({ kind: 'setSettings', settings: { payoutColdkey: k.owner.address } });
    await addStake(chain, hotkey, [{ coldkey: k.bob, netuid: 1, amount: tao(1) }]);
    await ok(['snapshot', '--once', ...w()]);
    await ok(['plan', ...w(), '--pool', '1']);
    const rows = (await planRows({ workbook, store })).filter((r) => r.status === 'planned');
    const dust = rows.find((r) => r.user === 'dust')!;
    expect(dust.amount).toBeLessThan(2_000_000n);
    const dustBefore = await chain.freeBalance(k.dust.address);
    // The owner's key registered the hotkey and staked: transactions the send log does not know. confirm stops until
    // they are accounted for, and reconcile finds them on chain (none carries a plan id: not ValTrac payouts).
    const refused = await valtrac(['confirm', ...w(), '--as-stake', '--yes'], { VALTRAC_PAYOUT_MNEMONIC: k.owner.uri });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/valtrac: the payout coldkey \S+ has sent \d+ transaction\(s\) on chain .* but the send log .* accounts for 0/);
    const ownerNonce = await chain.nonce(k.owner.address);
    const reconciled = await ok(['reconcile', ...w(), '--from-block', '1']);
    expect(reconciled.stdout.match(/is not a ValTrac payout; recorded as sent by something else/g)).toHaveLength(ownerNonce);
    expect(reconciled.stdout).toContain(`The send log now accounts for every transaction of ${k.owner.address}`);
    const result = await ok(['confirm', ...w(), '--as-stake', '--yes'], { VALTRAC_PAYOUT_MNEMONIC: k.owner.uri });
    expect(result.stdout).toMatch(/refuses stake moves worth less than about [\d.]+ TAO \(found by dry runs\)/);
    expect(result.stdout).toMatch(/dust: [\d.]+ TAO \(below the minimum stake move\)/);
    figures.push(`stake minimum: ${/refuses stake moves worth less than about [\d.]+ TAO/.exec(result.stdout)![0]}`);
    figures.push(...result.stdout.split('\n').filter((l) => /^  (alice|dust): /.test(l)).map((l) => `stake plan line:${l}`));

    const paid = await planRows({ workbook, store });
    const row0 = paid.find((r) => r.user === 'alice')!;
    const events = await extrinsicEvents(row0);
    expect(named(events, 'utility', 'BatchCompleted')).toHaveLength(1);
    const entry = SendLog.beside(workbook).entries().find((e) => e.type === 'sending' && e.extrinsicHash === row0.extrinsicHash);
    expect(entry?.type).toBe('sending');
    const payments = entry!.type === 'sending' ? entry!.payments! : [];
    const added = named(events, 'subtensorModule', 'StakeAdded').map((e) => ({ coldkey: fields(e)[0]!.toString(), alpha: BigInt(fields(e)[3]!.toString()), netuid: Number(fields(e)[4]!.toString()) }));
    const removed = named(events, 'subtensorModule', 'StakeRemoved').map((e) => ({ coldkey: fields(e)[0]!.toString(), alpha: BigInt(fields(e)[3]!.toString()), netuid: Number(fields(e)[4]!.toString()) }));
    let shortSeen = false;
    for (const p of payments) {
      const row = paid.find((r) => r.user === p.user)!;
      expect(row.status).toBe('paid');
      let delivered = BigInt(p.tao);
      for (const part of p.parts) {
        // What left the owner is what confirm sent; what arrived is the runtime's StakeAdded for the recipient.
        expect(removed.some((x) => x.coldkey === k.owner.address && x.netuid === part.netuid && x.alpha === BigInt(part.alpha))).toBe(true);
        const got = added.find((x) => x.coldkey === p.address && x.netuid === part.netuid)!.alpha;
        delivered += got >= BigInt(part.alpha) ? BigInt(part.tao) : (BigInt(part.tao) * got) / BigInt(part.alpha);
        figures.push(`stake ${p.user} subnet ${part.netuid}: sent ${part.alpha} α, arrived ${got} α (${((Number(got) / Number(part.alpha)) * 100).toFixed(3)} %)`);
      }
      expect(row.delivered).toBe(delivered);
      if (delivered < row.amount) {
        shortSeen = true;
        expect(row.note).toContain(`TAO short is carried into the next plan`);
      }
    }
    expect(shortSeen).toBe(true);
    expect((await chain.freeBalance(k.dust.address)) - dustBefore).toBe(dust.amount);

    // The next plan pays each shortfall on top of the new period's amount.
    await ok(['snapshot', '--once', ...w()]);
    await ok(['plan', ...w(), '--pool', '1']);
    const next = await planRows({ workbook, store });
    for (const r of paid.filter((x) => x.delivered !== null && x.delivered < x.amount)) {
      expect(next.find((n) => n.user === r.user)!.note).toContain(`includes ${formatTao(r.amount - r.delivered!)} TAO carried from plan ${r.planId}`);
    }
  });

  it('--as-stake leaves out a subnet whose stake transfers the runtime has switched off (TransferToggle)', async () => {
    await chain.setRaw([[chain.subtensor.transferToggle!.key(1), '0x00']]);
    await chain.newBlocks(1);
    const result = await ok(['confirm', ...w(), '--as-stake', '--dry-run'], { VALTRAC_PAYOUT_MNEMONIC: k.owner.uri });
    expect(result.stdout).toContain('not from subnet 1 (stake transfers are disabled there (TransferToggle))');
    const lines = result.stdout.split('\n').filter((l) => / α on subnet /.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line).not.toContain('on subnet 1');
    expect(result.stdout).toContain("The runtime's dry run accepts the extrinsic.");
    await chain.setRaw([[chain.subtensor.transferToggle!.key(1), '0x01']]);
  });
});
