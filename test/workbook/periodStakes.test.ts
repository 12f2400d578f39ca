import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { blake2AsU8a, encodeAddress } from '@polkadot/util-crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NominatorStake, SubnetPrice, ValidatorSnapshot } from '../../src/domain/types.js';
import { DatabaseSync } from 'node:sqlite';
import { readPeriodByUser, readPeriodStakes, STAKES_FILE, storeSnapshotStakes } from '../../src/workbook/periodStakes.js';
import { listRecords, readStakes, writeRecord } from '../../src/workbook/records.js';

const address = (i: number | string) => encodeAddress(blake2AsU8a(`valtrac-period-${i}`), 42);
const PRICES: SubnetPrice[] = [
  { netuid: 0, num: 1n, den: 1n },
  { netuid: 5, num: 23_456_789n, den: 1_000_000_000n },
];

/** Snapshot i: nominator k holds stake on one or two subnets, changing with i; nominator 7 joins at snapshot 40. */
function snapshotAt(i: number, nominators = 30): ValidatorSnapshot {
  const list: NominatorStake[] = [];
  for (let k = 0; k < nominators; k++) {
    if (k === 7 && i < 40) continue;
    const subnets = PRICES.slice(0, 1 + (k % 2)).map((p) => {
      const alpha = 1_000_000_000n * BigInt(k + 1) + BigInt(i * 7_919 * (k + 3));
      return { netuid: p.netuid, alpha, tao: (alpha * p.num) / p.den };
    });
    list.push({ coldkey: address(k), stake: subnets.reduce((s, x) => s + x.tao, 0n), subnets });
  }
  const delegate = 9_000_000_000_000n + BigInt(i) * 1_000_000n;
  return {
    block: 100 * (i + 1),
    blockHash: `0x${(i + 1).toString(16).padStart(64, '0')}`,
    time: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000),
    hotkey: address('validator'),
    owner: address('owner'),
    takePpm: 179_999n,
    era: 'dynamic',
    totalStake: list.reduce((s, n) => s + n.stake, delegate),
    delegateStake: delegate,
    nominators: list,
    delegateSubnets: [{ netuid: 0, alpha: delegate, tao: delegate }],
    prices: PRICES,
  };
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-period-stakes-'));
  for (let i = 0; i < 150; i++) await writeRecord(dir, snapshotAt(i));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** What the records say (the way plan read a period before): per block, totals and the coldkeys' stakes. */
async function fromRecords(blocks: number[], coldkeys: string[]) {
  const out = [];
  for await (const s of readStakes(dir, { fromBlock: blocks[0]!, toBlock: blocks.at(-1)! }, coldkeys)) {
    out.push({ block: s.block, delegateStake: s.delegateStake, nominatorStake: s.nominatorStake, stakes: coldkeys.map((k) => s.stakes.get(k) ?? 0n) });
  }
  return out;
}

async function fromStakes(blocks: number[], coldkeys: string[]) {
  const out = [];
  for await (const s of readPeriodStakes(dir, blocks, coldkeys)) out.push({ ...s, stakes: [...s.stakes] });
  return out;
}

describe('the period read per coldkey (snapshots/stakes.sqlite)', () => {
  it('gives exactly what the records give, on the first read (filled from the records) and on the next (from the table)', async () => {
    const blocks = (await listRecords(dir)).slice(20, 130);
    const coldkeys = [address(3), address(7), address(0), address(11), address(999)];
    const expected = await fromRecords(blocks, coldkeys);
    expect(expected.some((s) => s.stakes[1] === 0n) && expected.some((s) => s.stakes[1]! > 0n)).toBe(true);
    expect(await fromStakes(blocks, coldkeys)).toEqual(expected);
    expect(existsSync(path.join(dir, STAKES_FILE))).toBe(true);
    expect(await fromStakes(blocks, coldkeys)).toEqual(expected);
    // a sub-range and another order of the coldkeys read the same rows
    expect(await fromStakes(blocks.slice(5, 9), [...coldkeys].reverse())).toEqual(await fromRecords(blocks.slice(5, 9), [...coldkeys].reverse()));
  });

  it('a coldkey tracked later (a user added) is read from the records for the snapshots stored before it', async () => {
    const blocks = await listRecords(dir);
    await fromStakes(blocks, [address(1), address(2)]);
    const wider = [address(1), address(2), address(7), address(20)];
    expect(await fromStakes(blocks, wider)).toEqual(await fromRecords(blocks, wider));
  });

  it('snapshots recorded after the table was filled are added to it; the table deleted is rebuilt', async () => {
    const coldkeys = [address(4), address(5)];
    await fromStakes(await listRecords(dir), coldkeys);
    for (let i = 150; i < 160; i++) await writeRecord(dir, snapshotAt(i));
    const blocks = await listRecords(dir);
    expect(await fromStakes(blocks, coldkeys)).toEqual(await fromRecords(blocks, coldkeys));
    await rm(path.join(dir, STAKES_FILE));
    expect(await fromStakes(blocks.slice(-70), coldkeys)).toEqual(await fromRecords(blocks.slice(-70), coldkeys));
  });

  it('the snapshotter adds its row once the table exists, equal to the row read from the record', async () => {
    const coldkeys = [address(2), address(7), address(8)];
    storeSnapshotStakes(dir, snapshotAt(150));
    expect(existsSync(path.join(dir, STAKES_FILE))).toBe(false); // no table before the first plan
    await fromStakes(await listRecords(dir), coldkeys);
    for (let i = 150; i < 153; i++) {
      await writeRecord(dir, snapshotAt(i));
      storeSnapshotStakes(dir, snapshotAt(i));
    }
    const db = new DatabaseSync(path.join(dir, STAKES_FILE));
    expect(db.prepare('SELECT count(*) AS n FROM snapshot WHERE block > 15000').get()!.n).toBe(3);
    db.close();
    const blocks = (await listRecords(dir)).slice(-5);
    expect(await fromStakes(blocks, coldkeys)).toEqual(await fromRecords(blocks, coldkeys));
  });

  it('with no coldkey asked (no user registered yet) still gives every snapshot its totals', async () => {
    const blocks = (await listRecords(dir)).slice(0, 3);
    const expected = (await fromRecords(blocks, [])).map((s) => ({ ...s, stakes: [] }));
    expect(await fromStakes(blocks, [])).toEqual(expected);
    expect(await fromStakes(blocks, [])).toEqual(expected);
  });

  it('is a standard SQLite file the sqlite3 tool reads, amounts in RAO as decimal text', { skip: !existsSync('/usr/bin/sqlite3') }, async () => {
    const blocks = await listRecords(dir);
    await fromStakes(blocks, [address(1)]);
    const out = execFileSync('/usr/bin/sqlite3', [path.join(dir, STAKES_FILE), 'select block, nominator_stake, length(stakes) from snapshot order by block limit 1']).toString();
    const first = snapshotAt(0);
    expect(out.trim()).toBe(`${first.block}|${first.totalStake - first.delegateStake}|8`);
  });
});

describe('the period read per user (the users\' stakes kept in stakes.sqlite)', () => {
  // Three users: one coldkey, two coldkeys (one joins at snapshot 40), three coldkeys (one never staked).
  const groups = [[address(3)], [address(7), address(0)], [address(11), address(12), address(999)]];

  /** Each user's stake as the records give it: the sum of its coldkeys'. */
  async function sumsFromRecords(blocks: number[]) {
    const flat = groups.flat();
    return (await fromRecords(blocks, flat)).map((s) => {
      let i = 0;
      const byUser = groups.map((g) => g.reduce((sum) => sum + s.stakes[i++]!, 0n));
      return { block: s.block, delegateStake: s.delegateStake, nominatorStake: s.nominatorStake, byUser };
    });
  }

  async function byUser(blocks: number[], users = groups, coldkeysBefore = 0) {
    const out = [];
    for await (const s of readPeriodByUser(dir, blocks, users, coldkeysBefore)) {
      out.push(s.byUser ? { block: s.block, delegateStake: s.delegateStake, nominatorStake: s.nominatorStake, byUser: [...s.byUser] } : { block: s.block, byColdkey: [...s.byColdkey] });
    }
    return out;
  }

  function userRows(grouping?: string): number {
    const db = new DatabaseSync(path.join(dir, STAKES_FILE));
    try {
      const row = grouping === undefined ? db.prepare('SELECT count(*) AS n FROM user_snapshot').get()! : db.prepare('SELECT count(*) AS n FROM user_snapshot WHERE grouping = ?').get(grouping)!;
      return row.n as number;
    } finally {
      db.close();
    }
  }

  it('sums each user\'s coldkeys as the records do, stores the sums, and reads them back the same', async () => {
    const blocks = (await listRecords(dir)).slice(20, 130);
    const expected = await sumsFromRecords(blocks);
    expect(await byUser(blocks)).toEqual(expected);
    expect(userRows()).toBe(blocks.length);
    expect(await byUser(blocks)).toEqual(expected);
    expect(userRows()).toBe(blocks.length);
  });

  it('before `coldkeysBefore` gives each coldkey\'s stake instead (the rule does not count every coldkey yet)', async () => {
    const blocks = (await listRecords(dir)).slice(30, 50);
    const rows = await byUser(blocks, groups, blocks[10]!);
    const coldkeys = await fromRecords(blocks.slice(0, 10), groups.flat());
    expect(rows.slice(0, 10)).toEqual(coldkeys.map((s) => ({ block: s.block, byColdkey: s.stakes })));
    expect(rows.slice(10)).toEqual(await sumsFromRecords(blocks.slice(10)));
  });

  it('another grouping (a coldkey moved to another user) is summed again from the coldkeys, never read from the old sums', async () => {
    const blocks = (await listRecords(dir)).slice(0, 60);
    await byUser(blocks);
    const moved = [[address(3), address(0)], [address(7)], groups[2]!];
    const expected = (await fromRecords(blocks, moved.flat())).map((s) => ({
      block: s.block,
      delegateStake: s.delegateStake,
      nominatorStake: s.nominatorStake,
      byUser: [s.stakes[0]! + s.stakes[1]!, s.stakes[2]!, s.stakes[3]! + s.stakes[4]! + s.stakes[5]!],
    }));
    expect(await byUser(blocks, moved)).toEqual(expected);
    expect(await byUser(blocks, moved)).toEqual(expected);
  });

  it('the snapshotter stores the users\' stakes with its row, the same as a plan works them out', async () => {
    await byUser(await listRecords(dir));
    for (let i = 150; i < 153; i++) {
      await writeRecord(dir, snapshotAt(i));
      storeSnapshotStakes(dir, snapshotAt(i), groups);
    }
    const blocks = (await listRecords(dir)).slice(-5);
    const db = new DatabaseSync(path.join(dir, STAKES_FILE));
    const stored = db.prepare('SELECT count(*) AS n FROM user_snapshot WHERE block > 15000').get()!.n;
    db.close();
    expect(stored).toBe(3);
    expect(await byUser(blocks)).toEqual(await sumsFromRecords(blocks));
  });
});

