import path from 'node:path';
import { freePort } from '../src/util/freePort.js';
import type { ApiPromise } from '@polkadot/api';
import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/chain/connect.js';
import { readDelegateInfo } from '../src/chain/delegateInfo.js';
import { readValidator } from '../src/chain/stake.js';
import { stakeLayout } from '../src/chain/stakeLayout.js';
import type { ValidatorSnapshot } from '../src/domain/types.js';
import { listRecords, readRecord, recordsDir } from '../src/workbook/records.js';
import { WorkbookStore } from '../src/workbook/store.js';
import { TestChain, type MetadataName, type ValidatorScenario } from './chain/testChain.js';
import { CliProcess, runCli } from './cliProcess.js';
import { addresses, tempDir } from './helpers.js';
import { StakeModel, type ExpectedStake } from './stakeModel.js';

const INTERVAL = 10;
const LAST_BLOCK = 1000;
const FINALITY_LAG = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const someAddress = (seed: string) => encodeAddress(blake2AsU8a(seed), 42);

async function scenario(): Promise<ValidatorScenario> {
  const [hotkey, owner, ...nominators] = await addresses(52);
  const subnets = [
    { netuid: 0, subnetTao: 1n, subnetAlphaIn: 1n },
    { netuid: 3, subnetTao: 1_234_567_890_123n, subnetAlphaIn: 9_876_543_210_987n },
    { netuid: 11, subnetTao: 50_000_000_000_000n, subnetAlphaIn: 7_000_000_000_000n },
  ];
  const stakes = subnets.map((s) => ({ coldkey: owner!, netuid: s.netuid, alpha: 250_000_000_000n }));
  nominators.forEach((coldkey, i) => {
    stakes.push({ coldkey, netuid: subnets[i % 3]!.netuid, alpha: BigInt(i + 1) * 1_234_567_891n + 17n });
    if (i % 4 === 0) stakes.push({ coldkey, netuid: subnets[(i + 1) % 3]!.netuid, alpha: BigInt(50 - i) * 987_654_321n });
  });
  return { hotkey: hotkey!, owner: owner!, takePpm: 180_000n, subnets, stakes, emissionPerBlock: 987_654_321n };
}

/** Produces blocks one at a time with a short pause, like a fast live chain, until `best` reaches `to`. */
async function produceUntil(chain: TestChain, to: number): Promise<void> {
  while (chain.bestNumber() < to) {
    await chain.produceBlocks(1);
    await sleep(2);
  }
}

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

function expectSnapshot(record: ValidatorSnapshot, expected: ExpectedStake, nominatorCount: number): void {
  expect(record.totalStake).toBe(expected.total);
  expect(record.delegateStake).toBe(expected.delegate);
  expect(record.nominators).toHaveLength(nominatorCount);
  expect(new Map(record.nominators.map((n) => [n.coldkey, n.stake]))).toEqual(expected.nominators);
  for (const n of record.nominators) {
    expect(new Map(n.subnets.map((s) => [s.netuid, s.alpha]))).toEqual(expected.alpha.get(n.coldkey));
    expect(new Map(n.subnets.map((s) => [s.netuid, s.tao]))).toEqual(expected.tao.get(n.coldkey));
  }
}

const CASES: Array<[MetadataName, { swapPrice: boolean }]> = [
  ['devnet-346', { swapPrice: true }],
  ['devnet-381', { swapPrice: true }],
  ['finney-219', { swapPrice: false }],
];

describe.each(CASES)('valtrac snapshot against a %s test chain', (metadata, { swapPrice }) => {
  let chain: TestChain;
  let s: ValidatorScenario;
  let workbook: string;
  let seededBefore: number;
  const expectedAt = new Map<number, ExpectedStake>();
  const registered: string[] = [];

  beforeAll(async () => {
    chain = await TestChain.start({ metadata, finalityLag: FINALITY_LAG });
    s = await scenario();
    await chain.produceBlocks(2);
    chain.seedValidator(s);
    seededBefore = chain.bestNumber();

    // The expected stake at each block, from the scenario: seeded state plus one emission per block from the next.
    const model = new StakeModel(s, chain.era, swapPrice);
    for (let b = seededBefore + 1; b <= LAST_BLOCK; b++) {
      model.emit();
      if (b % INTERVAL === 0) expectedAt.set(b, model.expected());
    }

    workbook = path.join(tempDir('snapshot'), 'workbook', 'valtrac.xlsx');
    const init = await runCli(['init', '--workbook', workbook, '--hotkey', s.hotkey, '--network', chain.url]);
    expect(init.code, init.output).toBe(0);
    const nominators = [...new Set(s.stakes.map((x) => x.coldkey))].filter((c) => c !== s.owner);
    const users = [0, 1, 2, 3, 4, 5].map((i) => ({ name: `User ${i}`, addresses: i < 4 ? [nominators[i * 2]!, nominators[i * 2 + 1]!] : [nominators[i * 2]!] }));
    registered.push(...users.flatMap((u) => u.addresses));
    const store = new WorkbookStore(workbook);
    await store.apply({ kind: 'addUsers', users });
    await store.apply({ kind: 'setSettings', settings: { snapshotInterval: INTERVAL } });
  });

  afterAll(async () => {
    await chain?.close();
  });

  it('records every grid block exactly once through a SIGKILL and restart, each stake as the scenario implies', async () => {
    const first = new CliProcess(['snapshot', '--workbook', workbook]);
    try {
      await first.waitFor(/following finalized blocks/);
      await produceUntil(chain, 500);
      await first.waitFor(/snapshot( \[\d+\/\d+\])? block 4\d0 /);
    } finally {
      first.kill('SIGKILL');
    }
    expect((await first.exited).signal).toBe('SIGKILL');

    // The chain goes on while the snapshotter is down; the restart must fill what it missed.
    await produceUntil(chain, 620);
    const second = new CliProcess(['snapshot', '--workbook', workbook]);
    try {
      await second.waitFor(/following finalized blocks/);
      await produceUntil(chain, LAST_BLOCK + FINALITY_LAG);
      await second.waitFor(new RegExp(`snapshot( \\[\\d+/\\d+\\])? block ${LAST_BLOCK} `), 90_000);
      const store = new WorkbookStore(workbook);
      await waitUntil('the Snapshots row of the last block', async () =>
        (await store.read()).snapshots.some((r) => r.block === LAST_BLOCK),
      );
    } finally {
      second.kill('SIGTERM');
    }
    expect((await second.exited).code, second.text()).toBe(0);

    const grid = Array.from({ length: LAST_BLOCK / INTERVAL }, (_, i) => (i + 1) * INTERVAL);
    const dir = recordsDir(workbook);
    expect(await listRecords(dir)).toEqual(grid);
    const rows = (await new WorkbookStore(workbook).read()).snapshots;
    expect(rows.map((r) => r.block)).toEqual(grid);

    const nominatorCount = new Set(s.stakes.map((x) => x.coldkey)).size - 1;
    for (const row of rows) {
      const record = await readRecord(dir, row.block);
      const expected = expectedAt.get(row.block)!;
      expect(record.blockHash).toBe(chain.blockHash(row.block));
      expect(row.blockHash).toBe(record.blockHash);
      const now = chain.storage('Timestamp', 'Now', [], row.block)!.toString();
      expect(record.time.getTime()).toBe(Number(now));
      expect(row.time.getTime()).toBe(Number(now));
      expect(record.era).toBe(chain.era);
      expect(record.owner).toBe(s.owner);
      expectSnapshot(record, expected, nominatorCount);
      expect(row.totalStake).toBe(expected.total);
      expect(row.delegateStake).toBe(expected.delegate);
      expect(row.nominatorStake).toBe(expected.total - expected.delegate);
      expect(row.nominators).toBe(nominatorCount);
      expect(row.usersStake).toBe(registered.reduce((sum, ck) => sum + (expected.nominators.get(ck) ?? 0n), 0n));
    }
    // Emission moved the numbers: the series is not one snapshot repeated.
    expect(rows.at(-1)!.totalStake).toBeGreaterThan(rows[0]!.totalStake);
    expect(rows.at(-1)!.delegateStake).toBeGreaterThan(rows[0]!.delegateStake);
  }, 240_000);

  it('reads a past block as it was then', async () => {
    await produceUntil(chain, 300);
    const api: ApiPromise = await connect(chain.url, { giveUpAfterMs: 10_000 });
    try {
      const nominatorCount = new Set(s.stakes.map((x) => x.coldkey)).size - 1;
      const past = await readValidator(api, s.hotkey, chain.blockHash(100));
      expect(past.block).toBe(100);
      expect(past.era).toBe(chain.era);
      expectSnapshot(past, expectedAt.get(100)!, nominatorCount);
      const later = await readValidator(api, s.hotkey, chain.blockHash(300));
      expectSnapshot(later, expectedAt.get(300)!, nominatorCount);
      expect(later.totalStake).not.toBe(past.totalStake);

      // Where the runtime declares get_delegate with per-subnet stake, that is the path taken, and it agrees.
      const at = await api.at(chain.blockHash(100));
      const layout = stakeLayout(at);
      expect(layout.delegateInfo).toBe(swapPrice ? 'perSubnet' : null);
      if (layout.delegateInfo) {
        const info = (await readDelegateInfo(at, s.hotkey))!;
        expect(info.owner).toBe(s.owner);
        expect(info.stake).toEqual(expectedAt.get(100)!.alpha);
        expect(await readDelegateInfo(at, someAddress('not-a-validator'))).toBeNull();
      }
    } finally {
      await api.disconnect();
    }
  });
});

describe('valtrac snapshot refuses what it cannot do, with a clear message', () => {
  let chain: TestChain;
  let s: ValidatorScenario;
  let workbook: string;

  beforeAll(async () => {
    chain = await TestChain.start({ metadata: 'devnet-346', pruneDepth: 30 });
    s = await scenario();
    chain.seedValidator(s);
    await chain.produceBlocks(15);
    workbook = path.join(tempDir('snapshot-errors'), 'workbook', 'valtrac.xlsx');
    const init = await runCli(['init', '--workbook', workbook, '--hotkey', s.hotkey, '--network', chain.url]);
    expect(init.code, init.output).toBe(0);
    await new WorkbookStore(workbook).apply({ kind: 'setSettings', settings: { snapshotInterval: INTERVAL } });
  });

  afterAll(async () => {
    await chain?.close();
  });

  it('an unknown hotkey is an error naming it, and nothing is written', async () => {
    const stranger = someAddress('not-a-validator');
    const run = await runCli(['snapshot', '--once', '--workbook', workbook, '--hotkey', stranger]);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(new RegExp(`valtrac: hotkey ${stranger} is not a delegate with an owner at block \\d+`));
    expect(run.output).not.toMatch(/\n\s+at /);
    expect(await listRecords(recordsDir(workbook))).toEqual([]);
    expect((await new WorkbookStore(workbook).read()).snapshots).toEqual([]);

    const garbled = await runCli(['snapshot', '--once', '--workbook', workbook, '--hotkey', '5Fnot-an-address']);
    expect(garbled.code).toBe(1);
    expect(garbled.output).toMatch(/valtrac: hotkey "5Fnot-an-address" is not an SS58 address/);
  }, 180_000);

  it('a node that is down is retried, then named with what to check', async () => {
    const port = await freePort();
    const run = await runCli(['snapshot', '--once', '--workbook', workbook, '--network', `ws://127.0.0.1:${port}`, '--connect-timeout', '3']);
    expect(run.code).toBe(1);
    expect(run.output).toMatch(new RegExp(`node ws://127\\.0\\.0\\.1:${port} not reachable .*retrying in`));
    expect(run.output).toMatch(new RegExp(`valtrac: cannot reach the subtensor node at ws://127\\.0\\.0\\.1:${port} .*Check that the node is running`));
  }, 180_000);

  it('a gap older than the pruned node keeps is reported; --backfill says it needs an archive node', async () => {
    const once = await runCli(['snapshot', '--once', '--workbook', workbook]);
    expect(once.code, once.output).toBe(0);
    const [firstBlock] = await listRecords(recordsDir(workbook));
    expect(firstBlock).toBe(chain.finalizedNumber());
    await chain.produceBlocks(200 - chain.bestNumber());

    const backfill = await runCli(['snapshot', '--backfill', '--workbook', workbook]);
    expect(backfill.code).toBe(1);
    expect(backfill.output).toMatch(/valtrac: the node no longer has the state of block 20 \(0x[0-9a-f]{64}\).*archive node/);

    const follow = new CliProcess(['snapshot', '--workbook', workbook]);
    let gap: RegExpExecArray;
    try {
      const line = await follow.waitFor(/gap: \d+ snapshot\(s\) missing from block 20 to \d+: the node no longer has their state/);
      expect(line).toMatch(/valtrac snapshot --backfill --network <archive node URL>/);
      gap = /gap: (\d+) snapshot\(s\) missing from block 20 to (\d+)/.exec(line)!;
      await follow.waitFor(/snapshot( \[\d+\/\d+\])? block 190 /);
    } finally {
      follow.kill('SIGTERM');
    }
    await follow.exited;
    // What the node still had is recorded, from the first grid block after the gap, with nothing skipped.
    const lastMissed = Number(gap[2]);
    expect(Number(gap[1])).toBe((lastMissed - 20) / INTERVAL + 1);
    const resumed = Array.from({ length: (190 - lastMissed) / INTERVAL }, (_, i) => lastMissed + (i + 1) * INTERVAL);
    expect(resumed.length).toBeGreaterThan(0);
    expect(await listRecords(recordsDir(workbook))).toEqual([firstBlock, ...resumed]);
  }, 180_000);
});

