import { spawn } from 'node:child_process';
import { copyFile, cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync, inflateSync } from 'node:zlib';
import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto';
import { build } from 'esbuild';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NominatorStake, SubnetPrice, SubnetStake, ValidatorSnapshot } from '../../src/domain/types.js';
import { DICTIONARY_FILE, KEY_EVERY, legacyRecordPath, listRecords, readRecord, readRecordsAt, readStakes, recordPath, writeRecord } from '../../src/workbook/records.js';
import { readFrameHeader } from '../../src/workbook/recordFrame.js';
import { repoRoot } from '../helpers.js';

/** Distinct valid SS58 addresses without deriving 5,000 key pairs. */
const address = (i: number | string) => encodeAddress(blake2AsU8a(`valtrac-test-${i}`), 42);

/** A deterministic pseudo-random generator so the sizes measured are reproducible. */
function rng(seed: number): () => bigint {
  let x = BigInt(seed) | 1n;
  return () => {
    x ^= x << 13n;
    x &= (1n << 64n) - 1n;
    x ^= x >> 7n;
    x ^= x << 17n;
    x &= (1n << 64n) - 1n;
    return x;
  };
}

const PRICES: SubnetPrice[] = [
  { netuid: 0, num: 1n, den: 1n },
  { netuid: 3, num: 12_345_678n, den: 1_000_000_000n },
  { netuid: 8, num: 811_234_567_891n, den: 9_876_543_210_123n },
  { netuid: 19, num: 44_000_000n, den: 1_000_000_000n },
];

function snapshotOf(block: number, nominators: number, subnetsEach: number, random = rng(block)): ValidatorSnapshot {
  const priceOf = new Map(PRICES.map((p) => [p.netuid, p]));
  const stakeOn = (netuid: number, alpha: bigint): SubnetStake => {
    const p = priceOf.get(netuid)!;
    return { netuid, alpha, tao: (alpha * p.num) / p.den };
  };
  const list: NominatorStake[] = [];
  for (let i = 0; i < nominators; i++) {
    // Stakes from 0.001 TAO to ~10,000 TAO: the spread real validators see.
    const subnets = PRICES.slice(0, subnetsEach).map((p) => stakeOn(p.netuid, 1_000_000n + (random() % 10_000_000_000_000n)));
    list.push({ coldkey: address(i), stake: subnets.reduce((s, x) => s + x.tao, 0n), subnets });
  }
  const delegateSubnets = PRICES.slice(0, subnetsEach).map((p) => stakeOn(p.netuid, 5_000_000_000_000n + BigInt(block)));
  const delegateStake = delegateSubnets.reduce((s, x) => s + x.tao, 0n);
  return {
    block,
    blockHash: `0x${block.toString(16).padStart(64, '0')}`,
    time: new Date(Date.UTC(2026, 0, 1) + block * 12_000),
    hotkey: address('validator'),
    owner: address('owner'),
    takePpm: 179_999n,
    era: 'dynamic',
    totalStake: list.reduce((s, n) => s + n.stake, delegateStake),
    delegateStake,
    nominators: list,
    delegateSubnets,
    prices: PRICES,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-records-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('snapshot records', () => {
  it('round-trips a snapshot exactly, bigints and all', async () => {
    const snapshot = snapshotOf(300, 40, 3);
    expect(await writeRecord(dir, snapshot)).toBe(true);
    expect(await readRecord(dir, 300)).toEqual(snapshot);
  });

  it('keeps a TAO value that is not floor(alpha * price) as it was read', async () => {
    const snapshot = snapshotOf(600, 3, 2);
    const odd = snapshot.nominators[1]!;
    odd.subnets[1] = { ...odd.subnets[1]!, tao: odd.subnets[1]!.tao + 1n };
    odd.stake += 1n;
    snapshot.totalStake += 1n;
    await writeRecord(dir, snapshot);
    expect(await readRecord(dir, 600)).toEqual(snapshot);
  });

  it('never overwrites a recorded block', async () => {
    await writeRecord(dir, snapshotOf(900, 5, 2));
    const before = await readFile(recordPath(dir, 900));
    expect(await writeRecord(dir, snapshotOf(900, 7, 1, rng(1)))).toBe(false);
    expect(await readFile(recordPath(dir, 900))).toEqual(before);
  });

  it('lists blocks ascending and leaves no temporary files', async () => {
    for (const block of [1200, 300, 900]) await writeRecord(dir, snapshotOf(block, 4, 2));
    expect(await listRecords(dir)).toEqual([300, 900, 1200]);
    expect((await readdir(dir)).filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  it('grows one shared coldkey dictionary instead of repeating addresses', async () => {
    await writeRecord(dir, snapshotOf(300, 10, 1));
    await writeRecord(dir, snapshotOf(600, 12, 1));
    const lines = (await readFile(path.join(dir, DICTIONARY_FILE), 'utf8')).trim().split('\n');
    expect(lines).toEqual(Array.from({ length: 12 }, (_, i) => address(i)));
    const bytes = await readFile(recordPath(dir, 600));
    const body = inflateSync(bytes.subarray(readFrameHeader(bytes, 'record').bodyAt));
    expect(body.includes(Buffer.from(address(3)))).toBe(false);
  });

  it('reads the stake of chosen coldkeys over a block range', async () => {
    const snapshots = [300, 600, 900, 1200].map((b) => snapshotOf(b, 6, 3));
    for (const s of snapshots) await writeRecord(dir, s);
    const wanted = [address(1), address(4), address(99)];
    const got = [];
    for await (const r of readStakes(dir, { fromBlock: 600, toBlock: 900 }, wanted)) got.push(r);
    expect(got.map((r) => r.block)).toEqual([600, 900]);
    for (const r of got) {
      const s = snapshots.find((x) => x.block === r.block)!;
      expect(r.nominatorStake).toBe(s.totalStake - s.delegateStake);
      expect([...r.stakes.keys()].sort()).toEqual([address(1), address(4)].sort());
      expect(r.stakes.get(address(4))).toBe(s.nominators[4]!.stake);
    }
  });

  it('refuses a record whose dictionary is missing entries, naming the fix', async () => {
    await writeRecord(dir, snapshotOf(300, 5, 1));
    await rm(path.join(dir, DICTIONARY_FILE));
    await expect(readRecord(dir, 300)).rejects.toThrow(/coldkeys\.txt/);
  });

  it('stays small: 5,000 nominators on 4 subnets', async () => {
    const snapshot = snapshotOf(3000, 5000, 4);
    await writeRecord(dir, snapshot);
    const bytes = (await stat(recordPath(dir, 3000))).size;
    const dictionary = (await stat(path.join(dir, DICTIONARY_FILE))).size;
    console.log(`record of 5,000 nominators x 4 subnets: ${bytes} bytes; dictionary ${dictionary} bytes (once)`);
    // A year of hourly snapshots (8,760) must stay well under 2 GB.
    expect(bytes * 8760).toBeLessThan(2_000_000_000);
    expect(await readRecord(dir, 3000)).toEqual(snapshot);
  });
});

/**
 * A validator's stake over time, the ways it really changes: every position on a subnet grows by the hotkey's
 * emission (one ratio per subnet), now and then someone stakes more, nominators join and leave, move between
 * subnets, prices move, and a TAO value now and then is not the price's floor.
 */
function evolving(count: number, nominators: number): ValidatorSnapshot[] {
  const random = rng(7);
  const pick = (n: number) => Number(random() % BigInt(n));
  const priceOf = (i: number): SubnetPrice[] =>
    PRICES.map((p) => (p.netuid === 0 ? p : { netuid: p.netuid, num: p.num + BigInt(i) * (p.num / 1000n), den: p.den }));
  let holders = Array.from({ length: nominators }, (_, k) => ({
    key: k,
    positions: new Map(PRICES.slice(0, 1 + pick(3)).map((p) => [p.netuid, 1_000_000n + (random() % 4_000_000_000_000n)])),
  }));
  let next = nominators;
  const out: ValidatorSnapshot[] = [];
  for (let i = 0; i < count; i++) {
    const prices = priceOf(i);
    const price = new Map(prices.map((p) => [p.netuid, p]));
    if (i > 0) {
      const emission = PRICES.map((p) => [p.netuid, 1_000_000n + random() % 300n] as const);
      for (const h of holders) {
        for (const [netuid, factor] of emission) {
          const alpha = h.positions.get(netuid);
          if (alpha !== undefined) h.positions.set(netuid, (alpha * factor) / 1_000_000n);
        }
      }
      const staker = holders[pick(holders.length)]!;
      const [netuid, alpha] = [...staker.positions][0]!;
      staker.positions.set(netuid, alpha + 10_000_000_000n);
      // someone leaves, someone joins, someone moves to another subnet
      holders = holders.filter(() => pick(200) !== 0);
      if (pick(2) === 0) holders.push({ key: next++, positions: new Map([[PRICES[pick(4)]!.netuid, 5_000_000_000n]]) });
      const mover = holders[pick(holders.length)]!;
      const to = PRICES[pick(4)]!.netuid;
      if (!mover.positions.has(to)) mover.positions.set(to, 123_456_789n);
    }
    const list: NominatorStake[] = holders
      .map((h) => {
        const subnets = [...h.positions].sort(([a], [b]) => a - b).map(([netuid, alpha]) => {
          const p = price.get(netuid)!;
          return { netuid, alpha, tao: (alpha * p.num) / p.den };
        });
        if (pick(500) === 0) subnets[0]!.tao += 1n;
        return { coldkey: address(h.key), stake: subnets.reduce((s, x) => s + x.tao, 0n), subnets };
      })
      .sort((a, b) => (a.coldkey < b.coldkey ? -1 : 1));
    const delegateSubnets = [{ netuid: 0, alpha: 9_000_000_000_000n + BigInt(i), tao: 9_000_000_000_000n + BigInt(i) }];
    out.push({
      block: 300 * (i + 1),
      blockHash: `0x${(i + 1).toString(16).padStart(64, '0')}`,
      time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
      hotkey: address('validator'),
      owner: address('owner'),
      takePpm: 179_999n,
      era: 'dynamic',
      totalStake: list.reduce((s, n) => s + n.stake, delegateSubnets[0]!.tao),
      delegateStake: delegateSubnets[0]!.tao,
      nominators: list,
      delegateSubnets,
      prices,
    });
  }
  return out;
}

async function header(block: number) {
  return readFrameHeader(await readFile(recordPath(dir, block)), 'record').header;
}

describe('snapshot records, format 2 (each an edit of the one before)', () => {
  it('reads every record of a run back exactly: joins, leaves, moves, odd TAO values, key frames and edits', async () => {
    const run = evolving(KEY_EVERY + 6, 60);
    for (const s of run) expect(await writeRecord(dir, s)).toBe(true);
    expect((await header(run[0]!.block)).kind).toBe('key');
    expect((await header(run[1]!.block)).kind).toBe('delta');
    expect((await header(run[KEY_EVERY]!.block)).kind).toBe('key');
    for (const s of run) expect(await readRecord(dir, s.block)).toEqual(s);
    const all = [];
    for await (const s of readRecordsAt(dir, run.map((x) => x.block))) all.push(s);
    expect(all).toEqual(run);
    const wanted = [run[3]!.nominators[5]!.coldkey, run[40]!.nominators[0]!.coldkey];
    const got: Array<{ block: number; stakes: Map<string, bigint> }> = [];
    for await (const r of readStakes(dir, { fromBlock: run[2]!.block, toBlock: run[50]!.block }, wanted)) got.push(r);
    expect(got.map((r) => r.block)).toEqual(run.slice(2, 51).map((s) => s.block));
    for (const r of got) {
      const s = run.find((x) => x.block === r.block)!;
      const expected = new Map(s.nominators.filter((n) => wanted.includes(n.coldkey)).map((n) => [n.coldkey, n.stake]));
      expect(r.stakes).toEqual(expected);
    }
  });

  it('a record written late (a backfilled gap) edits the one before it and leaves the later ones readable', async () => {
    const run = evolving(6, 20);
    for (const i of [0, 1, 4, 5]) await writeRecord(dir, run[i]!);
    await writeRecord(dir, run[3]!);
    await writeRecord(dir, run[2]!);
    expect((await header(run[2]!.block)).base).toBe(run[1]!.block);
    expect((await header(run[4]!.block)).base).toBe(run[1]!.block);
    for (const s of run) expect(await readRecord(dir, s.block)).toEqual(s);
  });

  it('a record replaced on disk (a folder restored from a backup) is read again before the next record edits it', async () => {
    const run = evolving(3, 12);
    await writeRecord(dir, run[0]!);
    const other = await mkdtemp(path.join(os.tmpdir(), 'valtrac-records-other-'));
    try {
      await cp(dir, other, { recursive: true });
      const changed = structuredClone(run[1]!);
      for (const n of changed.nominators) for (const x of n.subnets) x.alpha += 5n;
      await writeRecord(other, changed);
      await writeRecord(dir, run[1]!);
      await copyFile(recordPath(other, run[1]!.block), recordPath(dir, run[1]!.block));
      await writeRecord(dir, run[2]!);
      expect(await readRecord(dir, run[1]!.block)).toEqual(changed);
      expect(await readRecord(dir, run[2]!.block)).toEqual(run[2]);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('keeps values of 2^53 and more exactly (an exact key frame), and the record after it too', async () => {
    const [a, b] = evolving(2, 5);
    a!.nominators[0]!.subnets[0]!.alpha = 2n ** 60n + 7n;
    b!.nominators[1]!.subnets[0]!.tao = 2n ** 53n;
    for (const s of [a!, b!]) {
      s.nominators.forEach((n) => (n.stake = n.subnets.reduce((sum, x) => sum + x.tao, 0n)));
      await writeRecord(dir, s);
    }
    expect((await header(a!.block)).kind).toBe('exact');
    expect(await readRecord(dir, a!.block)).toEqual(a);
    expect(await readRecord(dir, b!.block)).toEqual(b);
  });

  it('takes well under 10 kB per snapshot for 5,000 nominators on 4 subnets', { timeout: 300_000 }, async () => {
    const run = evolving(16, 5000);
    for (const s of run) await writeRecord(dir, s);
    const sizes = await Promise.all(run.map(async (s) => (await stat(recordPath(dir, s.block))).size));
    // A key frame, then edits: in steady state one key frame every KEY_EVERY records.
    const edits = sizes.slice(1).reduce((a, b) => a + b, 0) / (sizes.length - 1);
    const perSnapshot = (sizes[0]! + edits * (KEY_EVERY - 1)) / KEY_EVERY;
    console.log(`format 2, 5,000 nominators: key frame ${sizes[0]} bytes, edits ${edits.toFixed(0)} bytes, ${(perSnapshot / 1000).toFixed(1)} kB per snapshot`);
    expect(perSnapshot).toBeLessThan(10_000);
    expect(await readRecord(dir, run.at(-1)!.block)).toEqual(run.at(-1));
  });

  it('still reads format-1 records, alone or in a range with format-2 ones after them', async () => {
    const run = evolving(4, 8);
    // A format-1 record as ValTrac wrote them before: gzip'd JSON, amounts as strings, the coldkeys by dictionary line.
    const dictionary = [...new Set(run.flatMap((s) => s.nominators.map((n) => n.coldkey)))];
    await writeFile(path.join(dir, DICTIONARY_FILE), dictionary.join('\n') + '\n');
    for (const s of run.slice(0, 2)) {
      const price = new Map(s.prices!.map((p) => [p.netuid, p]));
      const entryOf = (x: SubnetStake) => {
        const p = price.get(x.netuid)!;
        return (x.alpha * p.num) / p.den === x.tao ? [x.netuid, x.alpha.toString()] : [x.netuid, x.alpha.toString(), x.tao.toString()];
      };
      const doc = {
        format: 'valtrac-snapshot-record/1',
        block: s.block,
        blockHash: s.blockHash,
        time: s.time.toISOString(),
        hotkey: s.hotkey,
        owner: s.owner,
        takePpm: s.takePpm.toString(),
        era: s.era,
        totalStake: s.totalStake.toString(),
        delegateStake: s.delegateStake.toString(),
        coldkeys: dictionary.length,
        prices: s.prices!.map((p) => [p.netuid, p.num.toString(), p.den.toString()]),
        delegate: s.delegateSubnets!.map(entryOf),
        nominators: s.nominators.map((n) => [dictionary.indexOf(n.coldkey), n.subnets.map(entryOf)]),
      };
      await writeFile(legacyRecordPath(dir, s.block), gzipSync(JSON.stringify(doc)));
    }
    for (const s of run.slice(2)) await writeRecord(dir, s);
    expect((await header(run[2]!.block)).kind).toBe('key');
    expect(await listRecords(dir)).toEqual(run.map((s) => s.block));
    for (const s of run) expect(await readRecord(dir, s.block)).toEqual(s);
    const coldkey = run[0]!.nominators[2]!.coldkey;
    const stakes: bigint[] = [];
    for await (const r of readStakes(dir, { fromBlock: 0, toBlock: 10_000 }, [coldkey])) stakes.push(r.stakes.get(coldkey)!);
    expect(stakes).toEqual(run.map((s) => s.nominators.find((n) => n.coldkey === coldkey)!.stake));
  });

  it('refuses a damaged record, and the records that edit it, naming the file and the fix', async () => {
    const run = evolving(3, 10);
    for (const s of run) await writeRecord(dir, s);
    const file = recordPath(dir, run[1]!.block);
    const bytes = await readFile(file);
    bytes[bytes.length - 3]! ^= 0xff;
    await writeFile(file, bytes);
    await expect(readRecord(dir, run[1]!.block)).rejects.toThrow(new RegExp(`${path.basename(file)} is damaged.*restore the snapshots folder`));
    await expect(readRecord(dir, run[2]!.block)).rejects.toThrow(/is damaged/);
    expect(await readRecord(dir, run[0]!.block)).toEqual(run[0]);
  });
});

describe('snapshot records survive a crash of the process writing them', () => {
  /** records.ts as one plain module (dist/ holds only the CLI's bundle), for a separate node process to import. */
  let bundled: string;
  beforeAll(async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'valtrac-records-module-'));
    bundled = path.join(out, 'records.mjs');
    await build({ entryPoints: [path.join(repoRoot, 'src/workbook/records.ts')], outfile: bundled, bundle: true, platform: 'node', format: 'esm', logLevel: 'warning' });
  });

  /** Runs a separate node process that writes `snapshots` (serialised) with ValTrac's records.ts and may be killed. */
  function writer(snapshots: ValidatorSnapshot[], env: NodeJS.ProcessEnv = {}, crashBefore?: number) {
    const records = pathToFileURL(bundled).href;
    const input = path.join(os.tmpdir(), `valtrac-records-input-${process.pid}-${Date.now()}.json`);
    const json = JSON.stringify(snapshots, (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    const script = `
      import { readFileSync, rmSync } from 'node:fs';
      import { writeRecord } from ${JSON.stringify(records)};
      const snapshots = JSON.parse(readFileSync(process.argv[1], 'utf8'), (k, v) => typeof v === 'string' && /^-?\\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : k === 'time' ? new Date(v) : v);
      rmSync(process.argv[1]);
      for (const [i, s] of snapshots.entries()) {
        if (i === ${crashBefore ?? -1}) process.env.VALTRAC_TEST_CRASH_AT = 'record-after-dictionary';
        await writeRecord(${JSON.stringify(dir)}, s);
        console.log('wrote', s.block);
      }`;
    writeFileSync(input, json);
    const child = spawn(process.execPath, ['--input-type=module', '-e', script, input], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let written = 0;
    child.stdout.on('data', (chunk: Buffer) => (written += chunk.toString().split('wrote').length - 1));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_, signal) => resolve(signal)));
    return { child, exited, written: () => written };
  }

  it('killed between the coldkey dictionary and the record: the record is absent, and written whole on the next run', async () => {
    const run = evolving(8, 30);
    const { exited } = writer(run, {}, 5);
    expect(await exited).toBe('SIGKILL');
    expect(await listRecords(dir)).toEqual(run.slice(0, 5).map((s) => s.block));
    for (const s of run.slice(5)) await writeRecord(dir, s);
    for (const s of run) expect(await readRecord(dir, s.block)).toEqual(s);
  });

  it('killed at any moment while writing: every record on disk reads back exactly, and writing carries on', async () => {
    const run = evolving(40, 400);
    const { child, exited, written } = writer(run);
    while (written() < 12 && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const onDisk = await listRecords(dir);
    expect(onDisk.length).toBeGreaterThanOrEqual(12);
    expect(onDisk).toEqual(run.slice(0, onDisk.length).map((s) => s.block));
    for (const s of run) if (!onDisk.includes(s.block)) await writeRecord(dir, s);
    for (const s of run) expect(await readRecord(dir, s.block)).toEqual(s);
  });
});


describe('the basket escrow in the records', () => {
  it('keeps what stays with the escrow and the look-through (holdings, shares, owed) so a plan can be recomputed', async () => {
    const plain = snapshotOf(700, 3, 2);
    const escrow = {
      subnets: [{ netuid: 0, alpha: 7n, tao: 7n }, { netuid: 3, alpha: 1_000_000_000n, tao: 12_345_678n }],
      stake: 12_345_685n,
      basket: { holdings: [[0, 300_000_000_007n], [3, 90_000_000_000n]] as Array<[number, bigint]>, shares: 1_000n, owed: [[address(1), 600n], [address(2), 399n]] as Array<[string, bigint]> },
    };
    await writeRecord(dir, { ...plain, escrow });
    await writeRecord(dir, snapshotOf(701, 3, 2));
    await writeRecord(dir, { ...snapshotOf(702, 3, 2), escrow: { subnets: [{ netuid: 0, alpha: 300n, tao: 300n }], stake: 300n } });
    expect((await readRecord(dir, 700)).escrow).toEqual(escrow);
    expect((await readRecord(dir, 701)).escrow).toBeUndefined();
    expect((await readRecord(dir, 702)).escrow).toEqual({ subnets: [{ netuid: 0, alpha: 300n, tao: 300n }], stake: 300n });
  });
});
