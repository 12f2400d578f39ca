import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planFilePath, readPlanFile } from '../../src/workbook/planFile.js';
import { SendLog } from '../../src/workbook/sendLog.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { tempDir } from '../helpers.js';
import { ok, valtrac } from '../payout/harness.js';
import { RuntimeChain } from '../support/runtimes/chain.js';
import { startRuntime, type Runtime } from '../support/runtimes/chopsticks.js';
import { addStake, registerValidator, runtimeKeys, tao } from '../support/runtimes/validator.js';

// Issue 11, case 1, on the real spec-300 runtime: plan P was paid; then the folder was copied without its dot-files
// (the send log is gone) and an older copy of the workbook, where P is still planned, was saved over it. P must never
// be paid a second time: the archive says it was paid, and where the archive is gone too, the chain says so (the
// payout key's nonce, and the plan id each batch carries).

const NAMES = ['hotkey', 'owner', 'payer', 'alice', 'bob', 'outsider'] as const;
let rt: Runtime;
let chain: RuntimeChain;
let k: Awaited<ReturnType<typeof runtimeKeys<(typeof NAMES)[number]>>>;
let dir: string;
let workbook: string;
const w = () => ['--workbook', workbook];
const env = () => ({ VALTRAC_PAYOUT_MNEMONIC: k.payer.uri });
let planned: { workbook: Buffer; planFile: Buffer; planId: string };

async function received(): Promise<bigint[]> {
  return Promise.all([k.alice, k.bob, k.payer].map((p) => chain.freeBalance(p.address)));
}

beforeAll(async () => {
  rt = await startRuntime(300);
  chain = await RuntimeChain.connect(rt.url);
  await chain.newBlocks(3);
  k = await runtimeKeys('twice', NAMES);
  await chain.fund(new Map(Object.values(k).map((p) => [p.address, tao(1_000)])));
  await registerValidator(chain, k.owner, k.hotkey.address, 1, 9_000);
  await addStake(chain, k.hotkey.address, [
    { coldkey: k.owner, netuid: 0, amount: tao(10) },
    { coldkey: k.alice, netuid: 0, amount: tao(20) },
    { coldkey: k.bob, netuid: 0, amount: tao(10) },
    { coldkey: k.outsider, netuid: 0, amount: tao(5) },
  ]);
  dir = tempDir('paid-twice');
  workbook = path.join(dir, 'valtrac.xlsx');
  await ok(['init', ...w(), '--hotkey', k.hotkey.address, '--network', rt.url]);
  await ok(['users', 'add', ...w(), 'alice', k.alice.address]);
  await ok(['users', 'add', ...w(), 'bob', k.bob.address]);
  await new WorkbookStore(workbook).apply({ kind: 'setSettings', settings: { payoutColdkey: k.payer.address } });
  await ok(['snapshot', '--once', ...w()]);
  await addStake(chain, k.hotkey.address, [{ coldkey: k.bob, netuid: 0, amount: tao(2) }]);
  await ok(['snapshot', '--once', ...w()]);
  await ok(['plan', ...w(), '--pool', '1']);
  planned = { workbook: fs.readFileSync(workbook), planFile: fs.readFileSync(planFilePath(workbook)), planId: (await readPlanFile(workbook))!.planId };
  await ok(['confirm', ...w(), '--yes'], env());
}, 900_000);

afterAll(async () => {
  await chain?.close();
  await rt?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * The folder as a copy without its dot-files would leave it (the send log and the store's record of its writes gone:
 * with that record the store itself would put P's paid rows back), with the older workbook (P planned) saved over.
 */
function restoreOlderCopy(): void {
  fs.rmSync(SendLog.beside(workbook).path, { force: true });
  fs.rmSync(new WorkbookStore(workbook).writes.path, { force: true });
  fs.writeFileSync(workbook, planned.workbook);
  fs.writeFileSync(planFilePath(workbook), planned.planFile);
}

describe('a paid plan is never paid twice, whatever the folder lost', { timeout: 900_000 }, () => {
  it('send log gone, older copy saved over: the archive says P was paid, confirm sends nothing', async () => {
    expect(fs.existsSync(path.join(dir, 'archive', `${planned.planId}.xlsx`))).toBe(true);
    restoreOlderCopy();
    expect((await new WorkbookStore(workbook).read()).payouts.filter((r) => r.planId === planned.planId).every((r) => r.status === 'planned')).toBe(true);
    const before = await received();
    const nonce = await chain.nonce(k.payer.address);
    const result = await valtrac(['confirm', ...w(), '--yes'], env());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`valtrac: plan ${planned.planId} was paid: ${path.join(dir, 'archive', `${planned.planId}.xlsx`)} archives plan ${planned.planId}`);
    expect(await received()).toEqual(before);
    expect(await chain.nonce(k.payer.address)).toBe(nonce);
  });

  it('archive gone too: the chain says so (the payout key’s nonce); reconcile finds P by its plan id and Payouts shows it paid', async () => {
    fs.rmSync(path.join(dir, 'archive'), { recursive: true, force: true });
    restoreOlderCopy();
    const before = await received();
    const nonce = await chain.nonce(k.payer.address);
    const refused = await valtrac(['confirm', ...w(), '--yes'], env());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/valtrac: the payout coldkey \S+ has sent 1 transaction\(s\) on chain .* accounts for 0\..* a payout may already have been made\. Nothing was sent\./);
    expect(await received()).toEqual(before);

    const reconciled = await ok(['reconcile', ...w(), '--from-block', '1']);
    expect(reconciled.stdout).toMatch(new RegExp(`batch 1 of plan ${planned.planId} \\(0x[0-9a-f]{64}\\) paid alice, bob; recorded in the send log`));
    const rows = (await new WorkbookStore(workbook).read()).payouts.filter((r) => r.planId === planned.planId);
    expect(rows.map((r) => r.status)).toEqual(['paid', 'paid']);

    const again = await ok(['confirm', ...w(), '--yes'], env());
    expect(again.stdout).toContain('nothing to send');
    expect(await received()).toEqual(before);
    expect(await chain.nonce(k.payer.address)).toBe(nonce);
  });
});
