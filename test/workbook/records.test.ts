import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NominatorStake, SubnetPrice, SubnetStake, ValidatorSnapshot } from '../../src/domain/types.js';
import { DICTIONARY_FILE, listRecords, readRecord, readStakes, recordPath, writeRecord } from '../../src/workbook/records.js';

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
    const doc = JSON.parse(gunzipSync(await readFile(recordPath(dir, 600))).toString('utf8')) as { nominators: unknown[] };
    expect(JSON.stringify(doc)).not.toContain(address(3));
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
