import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { TestChain } from '../chain/testChain.js';
import { cli, tempDir } from '../helpers.js';
import { readPlanFile } from '../../src/workbook/planFile.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import type { PayoutRow } from '../../src/domain/types.js';

export const TAO = 1_000_000_000n;

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI as a child process (never with a secret on its command line). */
export function valtrac(args: string[], env: Record<string, string> = {}, cwd?: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

export async function ok(args: string[], env: Record<string, string> = {}): Promise<RunResult> {
  const result = await valtrac(args, env);
  if (result.code !== 0) throw new Error(`valtrac ${args.join(' ')} failed (${result.code ?? result.signal}):\n${result.stdout}\n${result.stderr}`);
  return result;
}

export interface Keys {
  hotkey: string;
  owner: string;
  payer: string;
  payerUri: string;
  /** nominator coldkeys */
  alice1: string;
  alice2: string;
  bob: string;
  carol: string;
  dave: string;
  outsider: string;
}

export async function makeKeys(tag: string): Promise<Keys> {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const a = (name: string) => keyring.addFromUri(`//payout-${tag}-${name}`).address;
  return {
    hotkey: a('hotkey'),
    owner: a('owner'),
    payer: a('payer'),
    payerUri: `//payout-${tag}-payer`,
    alice1: a('alice1'),
    alice2: a('alice2'),
    bob: a('bob'),
    carol: a('carol'),
    dave: a('dave'),
    outsider: a('outsider'),
  };
}

export interface Setup {
  chain: TestChain;
  keys: Keys;
  dir: string;
  workbook: string;
  store: WorkbookStore;
  env: Record<string, string>;
}

/**
 * init → users → referrals → two snapshots 300 blocks apart (600 blocks) on a test chain with the validator seeded,
 * the payer funded and alice, bob, carol existing on chain (dave is a new account with a tiny stake).
 */
export interface ProgramOptions {
  payerFree?: bigint;
  /** Default 10_000_000 RAO per block; 0 keeps every stake fixed between blocks. */
  emissionPerBlock?: bigint;
  /** The owner's own root stake on the hotkey at the start; default 100 TAO (0: the validator setup done). */
  ownerRootStake?: bigint;
  /** More subnets, each with the owner's alpha on the hotkey (the users stay on root). */
  ownerSubnets?: Array<{ netuid: number; subnetTao: bigint; subnetAlphaIn: bigint; ownerAlpha: bigint }>;
}

export async function setUpProgram(tag: string, opts: ProgramOptions = {}): Promise<Setup> {
  const keys = await makeKeys(tag);
  const chain = await TestChain.start({ metadata: 'devnet-346', blockIntervalMs: 50, finalityLag: 2 });
  chain.pauseProduction();
  chain.seedValidator({
    hotkey: keys.hotkey,
    owner: keys.owner,
    takePpm: 180_000n,
    emissionPerBlock: opts.emissionPerBlock ?? 10_000_000n,
    subnets: [
      { netuid: 0, subnetTao: 1_000_000n * TAO, subnetAlphaIn: 1_000_000n * TAO },
      ...(opts.ownerSubnets ?? []).map(({ netuid, subnetTao, subnetAlphaIn }) => ({ netuid, subnetTao, subnetAlphaIn })),
    ],
    stakes: [
      ...(opts.ownerSubnets ?? []).map(({ netuid, ownerAlpha }) => ({ coldkey: keys.owner, netuid, alpha: ownerAlpha })),
      ...((opts.ownerRootStake ?? 100n * TAO) > 0n ? [{ coldkey: keys.owner, netuid: 0, alpha: opts.ownerRootStake ?? 100n * TAO }] : []),
      { coldkey: keys.alice1, netuid: 0, alpha: 300n * TAO },
      { coldkey: keys.alice2, netuid: 0, alpha: 50n * TAO },
      { coldkey: keys.bob, netuid: 0, alpha: 200n * TAO },
      { coldkey: keys.carol, netuid: 0, alpha: 123_456_789_012n },
      { coldkey: keys.dave, netuid: 0, alpha: 1_000n },
      { coldkey: keys.outsider, netuid: 0, alpha: 77n * TAO },
    ],
  });
  chain.setFreeBalance(keys.payer, opts.payerFree ?? 1_000n * TAO);
  for (const k of [keys.alice1, keys.bob, keys.carol]) chain.setFreeBalance(k, 1n * TAO);
  await chain.produceBlocks(1);

  const dir = tempDir(`payout-${tag}`);
  const workbook = path.join(dir, 'valtrac.xlsx');
  const w = ['--workbook', workbook];
  await ok(['init', ...w, '--hotkey', keys.hotkey, '--network', chain.url]);
  await ok(['users', 'add', ...w, 'alice', keys.alice1, keys.alice2]);
  await ok(['users', 'add', ...w, 'bob', keys.bob]);
  await ok(['users', 'add', ...w, 'carol', keys.carol]);
  await ok(['users', 'add', ...w, 'dave', keys.dave]);
  await ok(['referrals', 'add', ...w, 'alice', 'bob', '10']);
  await ok(['referrals', 'add', ...w, 'bob', 'carol', '20']);
  const store = new WorkbookStore(workbook);
  await store.apply({ kind: 'setSettings', settings: { payoutColdkey: keys.payer } });

  await chain.produceBlocks(300);
  await ok(['snapshot', '--once', ...w]);
  await chain.produceBlocks(300);
  await ok(['snapshot', '--once', ...w]);
  return { chain, keys, dir, workbook, store, env: { VALTRAC_PAYOUT_MNEMONIC: keys.payerUri } };
}

export async function tearDown(setup: Setup | undefined): Promise<void> {
  if (!setup) return;
  await setup.chain.close();
  fs.rmSync(setup.dir, { recursive: true, force: true });
}

/** The rows of the latest plan, as the workbook has them now. */
export async function planRows(setup: Pick<Setup, 'workbook' | 'store'>): Promise<PayoutRow[]> {
  const plan = await readPlanFile(setup.workbook);
  if (!plan) throw new Error('no plan file');
  return (await setup.store.read()).payouts.filter((r) => r.planId === plan.planId);
}

export function balances(setup: Setup, addresses: string[]): Map<string, bigint> {
  return new Map(addresses.map((a) => [a, setup.chain.freeBalance(a)]));
}

/** Starts the CLI and resolves when its output contains `marker` (so a test can act while it waits on the chain). */
export function startValtrac(args: string[], env: Record<string, string>, marker: string): { started: Promise<void>; done: Promise<RunResult> } {
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let markSeen: () => void = () => {};
  const started = new Promise<void>((resolve) => (markSeen = resolve));
  child.stdout.on('data', (d) => {
    stdout += d;
    if (stdout.includes(marker)) markSeen();
  });
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise<RunResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { started, done };
}
