import { execFile, type ExecFileException } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTao } from '../../src/domain/tao.js';
import { listRecords, recordsDir } from '../../src/workbook/records.js';
import { SendLog, type FundedEntry, type FundingEntry } from '../../src/workbook/sendLog.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { repoRoot, tempDir } from '../helpers.js';
import { Terminal } from '../helpers/tmux.js';
import { naclColdkey } from '../helpers/wallet.js';
import { alphaOf, deepenPool, RuntimeChain } from '../support/runtimes/chain.js';
import { startRuntime, type Runtime } from '../support/runtimes/chopsticks.js';
import { feePaid, stakeRemovals, transfersTo } from '../support/runtimes/events.js';
import { addStake, registerValidator, removeStake, runtimeKeys, tao } from '../support/runtimes/validator.js';

// Issue 12, "Done when": a new validator owner follows the README's first screen against a real subtensor runtime
// (spec 300 under chopsticks), from `npm ci` in a fresh copy of this repository to a first plan paid from the menu in a
// real terminal. Every command is the README's, run as `npx valtrac ...` in that copy.
// Issue 20: the payout coldkey starts empty, as `btcli wallet new_coldkey` makes it; the plan is paid from the owner's
// take (on root and on subnet 1, priced about 1.25 TAO/α), moved there by the menu's `valtrac fund` before it pays.

const run = promisify(execFile);
const INTERVAL = 10;
const PASSWORD = 'a long wallet password';

let runtime: Runtime;
let chain: RuntimeChain;
let terminal: Terminal | null = null;
let env: NodeJS.ProcessEnv;
let root: string;
let clone: string;
const figures: string[] = [];

/** The repository as a fresh clone has it: the tracked files of this working tree (what a commit of it holds). */
async function copyRepository(to: string): Promise<void> {
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, maxBuffer: 64 << 20 });
  for (const file of stdout.split('\0').filter((f) => f && fs.existsSync(path.join(repoRoot, f)))) {
    fs.mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, file), path.join(to, file));
  }
}

/** A command of the README, in the copy, as the owner types it; resolves with its output whatever the exit code. */
async function owner(command: string, args: string[], timeoutMs = 300_000): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await run(command, args, { cwd: clone, env, timeout: timeoutMs, maxBuffer: 64 << 20 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const e = error as ExecFileException & { stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

async function valtrac(...args: string[]): Promise<string> {
  const result = await owner('npx', ['valtrac', ...args]);
  if (result.code !== 0) throw new Error(`npx valtrac ${args.join(' ')} failed (${result.code}):\n${result.output}`);
  return result.output;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

beforeAll(async () => {
  runtime = await startRuntime(300);
  chain = await RuntimeChain.connect(runtime.url);
  root = tempDir('first-screen');
  clone = path.join(root, 'valtrac');
  fs.mkdirSync(clone);
  const home = path.join(root, 'home');
  fs.mkdirSync(home);
  const npmConfig = async (key: string) => (await run('npm', ['config', 'get', key])).stdout.trim();
  // The owner's own machine: their home (wallets, pm2), this machine's npm set-up (its cache of the packages and its
  // user config), no secret in the environment.
  env = {
    PATH: process.env.PATH,
    HOME: home,
    PM2_HOME: path.join(home, '.pm2'),
    npm_config_cache: await npmConfig('cache'),
    npm_config_userconfig: await npmConfig('userconfig'),
  };
}, 180_000);

afterAll(async () => {
  if (figures.length) console.log(`the first screen's funding batch (spec 300):\n${figures.join('\n')}`);
  await terminal?.close();
  if (clone && fs.existsSync(path.join(clone, 'node_modules', 'pm2'))) await owner('npx', ['pm2', 'kill']).catch(() => undefined);
  await chain?.close();
  await runtime?.stop();
  // The copy holds its own node_modules (most of a gigabyte).
  if (root) fs.rmSync(root, { recursive: true, force: true });
}, 120_000);

describe('the README first screen on a real runtime', () => {
  it('npm ci, npm start, Settings, users, the validator setup checked and done, a plan, its dry run, paid from the menu', async () => {
    await cryptoWaitReady();
    const k = await runtimeKeys('first', ['owner', 'hotkey', 'personal', 'alice', 'bob'] as const);
    const phrase = mnemonicGenerate();
    const payer = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromMnemonic(phrase);
    // The payout coldkey is not funded: it holds nothing until fund moves the plan's TAO to it.
    await chain.fund(new Map([[k.owner.address, tao(1_000)], [k.personal.address, tao(10)], [k.alice.address, tao(500)], [k.bob.address, tao(500)]]));
    await chain.newBlocks(3);
    // Subnet 1 with the liquidity of a live subnet (1,000 TAO deep, 1.25 TAO/α), so a sale of the take moves its price
    // less than fund's default --slippage (the menu passes none).
    await deepenPool(chain, 1, tao(1_000), tao(800));
    // The validator, registered and made a delegate with real extrinsics; two nominators stake on root.
    await registerValidator(chain, k.owner, k.hotkey.address, 1, 11_796);
    await addStake(chain, k.hotkey.address, [{ coldkey: k.alice, netuid: 0, amount: tao(100) }, { coldkey: k.bob, netuid: 0, amount: tao(50) }]);
    // The take the validator earned before ValTrac was installed: the owner coldkey's stake on the hotkey, 0.5 TAO on
    // root and about 8 α on subnet 1. A chain under chopsticks runs no epoch that would pay it, so it is staked with
    // real extrinsics, as test/runtime/fund300.e2e.test.ts does.
    await addStake(chain, k.hotkey.address, [{ coldkey: k.owner, netuid: 0, amount: tao(1) / 2n }, { coldkey: k.owner, netuid: 1, amount: tao(10) }]);
    // The snapshotter records on the interval's grid: past the next multiple of it, its first snapshot holds all of it.
    await chain.newBlocks(INTERVAL);
    // The owner's wallet for the payout coldkey, as btcli writes it: encrypted coldkey and the public coldkeypub.txt.
    const wallet = path.join(env.HOME!, '.bittensor', 'wallets', 'payout');
    fs.mkdirSync(wallet, { recursive: true });
    fs.writeFileSync(path.join(wallet, 'coldkey'), await naclColdkey(JSON.stringify({ secretPhrase: phrase }), PASSWORD));
    fs.writeFileSync(path.join(wallet, 'coldkeypub.txt'), JSON.stringify({ ss58Address: payer.address }));

    // 1. npm ci in a fresh copy: installs and builds, so npx valtrac runs.
    await copyRepository(clone);
    const install = await owner('npm', ['ci', '--offline', '--no-audit', '--no-fund'], 40 * 60_000);
    expect(install.code, install.output.slice(-3000)).toBe(0);
    expect(await valtrac('--version')).toMatch(/^\d+\.\d+\.\d+/);

    // 2. npm start: the workbook, both processes and how they run, and the one next step.
    const start = await owner('npm', ['start', '--', '--network', runtime.url]);
    expect(start.code, start.output).toBe(0);
    expect(start.output).toMatch(/valtrac-watch +online/);
    expect(start.output).toMatch(/valtrac-snapshot +online: waiting for the validator hotkey: Settings!B3 \(Validator hotkey\) is empty/);
    expect(start.output).toContain('Next: fill in Settings!B3 (Validator hotkey)');
    const workbook = path.join(clone, 'workbook', 'valtrac.xlsx');

    // 4. Settings, in the workbook npm start made; the running snapshotter takes its first snapshot at once.
    const init = await valtrac('init', '--hotkey', k.hotkey.address, '--network', runtime.url, '--payout-coldkey', payer.address, '--snapshot-interval', String(INTERVAL));
    expect(init).toContain('already exists: set hotkey');
    const records = recordsDir(workbook);
    await until('the first snapshot', async () => (await listRecords(records)).length >= 1);

    // 5. Users and a referral.
    await valtrac('users', 'add', 'alice', k.alice.address);
    await valtrac('users', 'add', 'bob', k.bob.address);
    await valtrac('referrals', 'add', 'alice', 'bob', '10');
    // The owner, too, as a user: the personal coldkey they will stake from after the validator setup.
    await valtrac('users', 'add', 'me', k.personal.address);

    // 3 and 6. The validator setup not done yet: the owner stakes 200 TAO of their own on the hotkey. doctor says so.
    await addStake(chain, k.hotkey.address, [{ coldkey: k.owner, netuid: 0, amount: tao(200) }]);
    const snapshotsBefore = (await listRecords(records)).length;
    await chain.newBlocks(INTERVAL);
    await until('a snapshot after the owner staked', async () => (await listRecords(records)).length > snapshotsBefore);
    const warned = await owner('npx', ['valtrac', 'doctor']);
    expect(warned.code).toBe(1);
    // 200 TAO of their own on top of the take (0.5 TAO on root, about 10 TAO worth on subnet 1).
    expect(warned.output).toMatch(/FAIL {2}validator setup: the owner holds stake of their own on the hotkey: the owner coldkey has 21\d\.\d{9} TAO/);
    const refused = await owner('npx', ['valtrac', 'plan']);
    expect(refused.code).toBe(1);
    expect(refused.output).toContain('plan --pool accrued refused, nothing was written');

    // The setup, as the README says: unstake with the owner coldkey, stake again from a separate personal coldkey.
    await removeStake(chain, k.hotkey.address, [{ coldkey: k.owner, netuid: 0, amount: tao(200) }]);
    await addStake(chain, k.hotkey.address, [{ coldkey: k.personal, netuid: 0, amount: tao(5) }]);
    const snapshotsSetUp = (await listRecords(records)).length;
    await chain.newBlocks(INTERVAL);
    await until('a snapshot after the setup', async () => (await listRecords(records)).length > snapshotsSetUp);
    const healthy = await owner('npx', ['valtrac', 'doctor']);
    expect(healthy.output).not.toContain('the owner holds stake of their own');
    // The payout coldkey is empty: doctor says what moves the plan's TAO there.
    expect(healthy.output).toMatch(/FAIL {2}The payout coldkey \w+ has 0\.000000000 TAO free;.*\n +Fix: valtrac fund moves what is missing from the owner's take/);
    expect(healthy.output).toMatch(/ok {4}valtrac-watch is online\.\nok {4}valtrac-snapshot is online\./);
    expect(healthy.output).toMatch(/ok {4}The node ws:\/\/127\.0\.0\.1:\d+ \(Settings!B4 \(Network\)\) answers: node-subtensor spec 300/);

    // 6 and 7. A plan (nothing accrued since the first snapshot: a pool chosen), and its dry run with no key. Every
    // nominator is a user, so the users' shares add up to the whole pool. The payout coldkey is empty: the dry run shows
    // the batch and says what it lacks, and that fund moves it from the take.
    const plan = await valtrac('plan', '--pool', '1');
    expect(plan).toMatch(/Written to Payouts in .*Check it, then run valtrac fund \(it moves what the payout coldkey lacks from your take\) and valtrac confirm\./);
    const dryRun = await owner('npx', ['valtrac', 'confirm', '--dry-run']);
    expect(dryRun.code, dryRun.output).toBe(1);
    expect(dryRun.output).toMatch(/batch 1: 3 transfers, 1\.000000000 TAO, fee \d+\.\d{9} TAO/);
    expect(dryRun.output).toMatch(/the payout coldkey \w+ has 0\.000000000 TAO free, but needs 1\.\d{9} TAO .*valtrac fund moves what is missing from the owner's take/);
    // The weekly routine's next line: what fund would unstake, root first, then subnet 1, then the transfer.
    const fundDryRun = await valtrac('fund', '--dry-run');
    const at = (re: RegExp) => fundDryRun.split('\n').findIndex((l) => re.test(l));
    expect(at(/unstake 0\.500000000 α on subnet 0 \(root, 1:1\)/)).toBeGreaterThan(0);
    expect(at(/unstake 0\.\d{9} α on subnet 1 \(limit 1\.\d{9} TAO\/α\)/)).toBeGreaterThan(at(/on subnet 0/));
    expect(at(/transfer_keep_alive 1\.\d{9} TAO to the payout coldkey/)).toBeGreaterThan(at(/on subnet 1/));
    expect(fundDryRun).toContain('Dry run: nothing was signed or sent.');

    // Funded and paid from the menu in a real terminal: the owner's key from the environment (docs/funding.md), the
    // payout wallet with its password typed without echo, the dry runs, yes.
    const planned = (await new WorkbookStore(workbook).read()).payouts.filter((r) => r.status === 'planned');
    const before = new Map(await Promise.all(planned.map(async (r) => [r.address, await chain.freeBalance(r.address)] as const)));
    const hotkey = k.hotkey.address;
    const alphaBefore = [await alphaOf(chain, hotkey, k.owner.address, 0), await alphaOf(chain, hotkey, k.owner.address, 1)];
    const ownerNonce = await chain.nonce(k.owner.address);
    expect(await chain.freeBalance(payer.address)).toBe(0n);
    terminal = new Terminal();
    const vars = Object.entries({ ...env, VALTRAC_OWNER_MNEMONIC: k.owner.uri }).map(([name, value]) => `${name}='${value}'`).join(' ');
    await terminal.start(`cd '${clone}' && env -i ${vars} npx valtrac; echo "menu exited with $?"; sleep 600`);
    const t = terminal;
    await t.waitFor('Choose [1-8]:');
    await t.type('2');
    await t.waitFor('Pool in TAO (Enter: what the delegate stake accrued since the last payout): ');
    await t.type('1');
    await t.waitFor('Pay this plan? (next: the payout key, then a dry run with the fees) [y/N]: ', 1, 180_000);
    await t.type('y');
    // fund's dry run: what the empty payout coldkey lacks, and the batch that moves it from the take.
    let screen = await t.waitFor("Move what is missing from the owner's take to the payout coldkey now (valtrac fund)? Answer no if it said nothing to fund [y/N]: ", 1, 180_000);
    expect(screen).toMatch(/- the payout coldkey's free 0\.000000000 = 1\.\d{9} TAO to fund\./);
    expect(screen).toContain("The runtime's dry run accepts the funding batch.");
    await t.type('y');
    await t.waitFor("Unstake the take with the validator owner's coldkey, from [1-3]:");
    await t.type('2');
    screen = await t.waitFor(`Pay from ${payer.address} with [1-3]:`, 1, 240_000);
    expect(screen).toContain('Funded. Next: valtrac confirm pays the plan from the payout coldkey.');
    // Between fund and confirm: what the payout coldkey holds is what fund moved.
    const funded = await chain.freeBalance(payer.address);
    await t.type('1');
    await t.waitFor('Wallet name or coldkey path: ');
    await t.type('payout');
    await t.waitFor('Wallets folder (Enter: ~/.bittensor/wallets): ');
    await t.type('');
    await t.waitFor('Password of the wallet (not shown): ');
    await t.type(PASSWORD);
    screen = await t.waitFor('Send these payments now, as shown above? [y/N]: ', 1, 240_000);
    // With the key, the dry run also puts the signed batch through the runtime itself.
    expect(screen).toContain("The runtime's dry run accepts the extrinsic.");
    expect(screen).toContain('Dry run: nothing was sent.');
    await t.type('y');
    screen = await t.waitFor('Payout sent.', 1, 240_000);
    await t.waitFor('Choose [1-8]:', 2);
    await t.type('8');
    screen = await t.waitFor('menu exited with 0');
    for (const secret of [PASSWORD, phrase, k.owner.uri]) expect(screen).not.toContain(secret);
    // One echo per key, after every sub-process.
    expect(screen.split('\n').filter((l) => l.startsWith('Choose [1-8]:')).map((l) => l.trimEnd())).toEqual(['Choose [1-8]: 2', 'Choose [1-8]: 8']);

    // The funding batch, as its block's events say: 0.5 α sold on root, then subnet 1, and one transfer that is
    // exactly what the payout coldkey's free balance rose by.
    const log = SendLog.beside(workbook).entries();
    const fundings = log.filter((e): e is FundingEntry => e.type === 'funding');
    const settled = log.filter((e): e is FundedEntry => e.type === 'funded');
    expect(fundings).toHaveLength(1);
    expect(settled.map((e) => e.outcome)).toEqual(['funded']);
    const events = await chain.extrinsicEvents(settled[0]!.blockHash!, fundings[0]!.extrinsicHash);
    const removed = stakeRemovals(events);
    expect(removed.map((r) => r.netuid)).toEqual([0, 1]);
    expect(removed[0]).toEqual({ netuid: 0, alpha: tao(1) / 2n, tao: tao(1) / 2n });
    const moved = transfersTo(events, payer.address);
    expect(moved).toEqual([BigInt(fundings[0]!.transfer)]);
    expect(funded).toBe(moved[0]);
    expect(removed.reduce((sum, r) => sum + r.tao, 0n)).toBeGreaterThanOrEqual(moved[0]!);
    const alphaAfter = [await alphaOf(chain, hotkey, k.owner.address, 0), await alphaOf(chain, hotkey, k.owner.address, 1)];
    expect(alphaBefore[0]! - alphaAfter[0]!).toBe(removed[0]!.alpha);
    // Shares round down: the owner's alpha read back may differ from the event's by one RAO.
    expect(alphaBefore[1]! - alphaAfter[1]! - removed[1]!.alpha).toBeLessThanOrEqual(1n);
    const fee = feePaid(events);
    const estimate = [...screen.matchAll(/Fee about ([\d.]+) TAO/g)].at(-1)![1]!;
    for (const [i, u] of fundings[0]!.unstakes.entries()) {
      figures.push(`subnet ${u.netuid}: unstaked ${formatTao(removed[i]!.alpha)} α, received ${formatTao(removed[i]!.tao)} TAO (expected ${formatTao(BigInt(u.expected))}, at least ${formatTao(BigInt(u.guaranteed))})`);
    }
    figures.push(`transferred ${formatTao(moved[0]!)} TAO to the payout coldkey; fee ${formatTao(fee)} TAO, estimated ${estimate}`);

    // What the chain says: each user received exactly the planned amount, once; Payouts marks them paid. Nothing was
    // sent twice: one funding batch from the owner coldkey, one payout batch from the payout coldkey.
    for (const r of planned) expect((await chain.freeBalance(r.address)) - before.get(r.address)!).toBe(r.amount);
    const after = (await new WorkbookStore(workbook).read()).payouts.filter((r) => r.planId === planned[0]!.planId);
    expect(after.filter((r) => r.amount > 0n).map((r) => r.status)).toEqual(planned.map(() => 'paid'));
    const total = planned.reduce((sum, r) => sum + r.amount, 0n);
    expect(total).toBe(tao(1));
    expect(await chain.nonce(k.owner.address)).toBe(ownerNonce + 1);
    expect(await chain.nonce(payer.address)).toBe(1);
    const batches = log.filter((e) => e.type === 'sending');
    expect(batches).toHaveLength(1);
    const paidEvents = await chain.extrinsicEvents((log.find((e) => e.type === 'settled') as { blockHash: string }).blockHash, batches[0]!.extrinsicHash);
    expect(funded - (await chain.freeBalance(payer.address))).toBe(total + feePaid(paidEvents));
    figures.push(`confirm paid ${formatTao(total)} TAO to ${planned.length} users; the payout coldkey keeps ${formatTao(await chain.freeBalance(payer.address))} TAO`);
  }, 60 * 60_000);
});
