import { createHash } from 'node:crypto';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import fs from 'node:fs';
import type { Rao, ValidatorSnapshot } from '../domain/types.js';
import { readStakesAt } from './records.js';

/**
 * The period read per user and per coldkey: `snapshots/stakes.sqlite` keeps, for each recorded snapshot, the TAO value
 * of every tracked coldkey (the registered users' addresses) in one row, and each user's stake in another, so a plan
 * reads a quarter in one pass over a few thousand rows instead of decoding every record back to its key frame. It is
 * derived data: the records stay the lossless source, and any snapshot missing here (the first plan, a record written
 * by an older ValTrac, a coldkey registered later) is read from its record and added. Read it with the sqlite3 CLI, e.g.
 * `sqlite3 snapshots/stakes.sqlite "select block, nominator_stake from snapshot"`; deleting the file only costs the
 * next plan the time to rebuild it.
 *
 * Tables: `coldkey(position, address)`, positions 0, 1, 2… in the order coldkeys were first tracked; `snapshot(block,
 * delegate_stake, nominator_stake, stakes)`, amounts in RAO as decimal text, `stakes` the coldkeys' values as 64-bit
 * little-endian integers by position. A row written before a coldkey was tracked is shorter than the positions: it is
 * read again from its record. `user_snapshot(block, grouping, stakes)`: each user's stake (the sum of its coldkeys') as
 * 64-bit integers in the order of the groups whose SHA-256 `grouping` is; a read with other groups sums them again.
 */
export const STAKES_FILE = 'stakes.sqlite';

/** One snapshot of the period: the totals, and the stake (RAO) of each coldkey asked for, in the order asked. */
export interface PeriodStakes {
  block: number;
  delegateStake: Rao;
  nominatorStake: Rao;
  stakes: BigInt64Array;
}

/**
 * A snapshot of the period as plan reads it: its totals, and each user's stake (the sum of its group of coldkeys), or
 * each coldkey's stake where the caller asked for them (blocks at which not every coldkey counts yet).
 */
export type PeriodRow = Omit<PeriodStakes, 'stakes'> & ({ byUser: BigInt64Array; byColdkey?: never } | { byColdkey: BigInt64Array; byUser?: never });

// `user_snapshot` keeps each snapshot's stake per user for one grouping of the coldkeys into users (`grouping`: the
// SHA-256 of the groups), in its own table so that reading it never walks the per-coldkey row's pages.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS coldkey (position INTEGER PRIMARY KEY, address TEXT NOT NULL UNIQUE);
  CREATE TABLE IF NOT EXISTS snapshot (
    block INTEGER PRIMARY KEY,
    delegate_stake TEXT NOT NULL,
    nominator_stake TEXT NOT NULL,
    stakes BLOB NOT NULL
  );
  CREATE TABLE IF NOT EXISTS user_snapshot (block INTEGER PRIMARY KEY, grouping TEXT NOT NULL, stakes BLOB NOT NULL);`;
/** Filling a quarter's rows writes this many per transaction, so another process waits at most one batch. */
const BATCH = 256;
const MAX_INT64 = (1n << 63n) - 1n;

/** The snapshots at `blocks` (ascending, each with a record in `dir`) with the stakes of `coldkeys`, one at a time. */
export async function* readPeriodStakes(dir: string, blocks: readonly number[], coldkeys: readonly string[]): AsyncGenerator<PeriodStakes> {
  const db = openTable(dir);
  try {
    const positions = await complete(db, dir, blocks, coldkeys);
    yield* read(db, blocks, positions);
  } finally {
    db.close();
  }
}

/**
 * The snapshots at `blocks` with each user's stake, the users being `groups` of coldkeys (PeriodShares.groups);
 * before block `coldkeysBefore` (where the Settings rule does not count every coldkey yet) each coldkey's stake instead,
 * in the order of `groups.flat()`. A user's stake is read from `user_snapshot` when its row has the same grouping (the
 * snapshotter writes it as it records, the last plan for the rows it worked out), else summed from the per-coldkey
 * row and stored for the next read.
 */
export async function* readPeriodByUser(
  dir: string,
  blocks: readonly number[],
  groups: readonly (readonly string[])[],
  coldkeysBefore: number,
): AsyncGenerator<PeriodRow> {
  if (blocks.length === 0) return;
  const db = openTable(dir);
  try {
    const positions = await complete(db, dir, blocks, groups.flat());
    const grouping = groupingOf(groups);
    const wanted = new Set(blocks);
    const worked: Array<{ block: number; stakes: BigInt64Array }> = [];
    const query = db.prepare(
      'SELECT s.block, s.delegate_stake, s.nominator_stake, u.stakes AS by_user FROM snapshot s ' +
        'LEFT JOIN user_snapshot u ON u.block = s.block AND u.grouping = ? WHERE s.block BETWEEN ? AND ? ORDER BY s.block',
    );
    const coldkeyRow = db.prepare('SELECT stakes FROM snapshot WHERE block = ?');
    const pick = picker(positions);
    const byColdkey = (block: number) => pick(int64s(coldkeyRow.get(block)!.stakes as Uint8Array));
    let found = 0;
    for (const row of query.iterate(grouping, blocks[0]!, blocks[blocks.length - 1]!)) {
      const block = row.block as number;
      if (!wanted.has(block)) continue;
      found++;
      const totals = { block, delegateStake: BigInt(row.delegate_stake as string), nominatorStake: BigInt(row.nominator_stake as string) };
      if (block < coldkeysBefore) {
        yield { ...totals, byColdkey: byColdkey(block) };
      } else if (row.by_user) {
        yield { ...totals, byUser: int64s(row.by_user as Uint8Array) };
      } else {
        const stakes = sumGroups(byColdkey(block), groups, block);
        worked.push({ block, stakes });
        yield { ...totals, byUser: stakes };
      }
    }
    if (found !== blocks.length) throw new Error(`${STAKES_FILE}: ${blocks.length - found} of the period's snapshots were not stored`);
    storeUserRows(db, grouping, worked);
  } finally {
    db.close();
  }
}

function openTable(dir: string): DatabaseSync {
  const db = new DatabaseSync(path.join(dir, STAKES_FILE), { timeout: 10_000 });
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** Tracks `coldkeys` and fills every row of `blocks` that lacks one of them from its record; their positions. */
async function complete(db: DatabaseSync, dir: string, blocks: readonly number[], coldkeys: readonly string[]): Promise<Int32Array> {
  const positions = track(db, coldkeys);
  const width = db.prepare('SELECT count(*) AS n FROM coldkey').get()!.n as number;
  const stored = storedLengths(db, blocks);
  // A row shorter than the tracked coldkeys lacks some; no row at all is missing too (with no coldkey tracked yet).
  const missing = blocks.filter((b) => !stored.has(b) || stored.get(b)! < width * 8);
  if (missing.length > 0) await fill(db, dir, missing, width);
  return positions;
}

/** A grouping of coldkeys into users, as one key: the same users with the same coldkeys give the same key. */
function groupingOf(groups: readonly (readonly string[])[]): string {
  return createHash('sha256').update(JSON.stringify(groups)).digest('hex');
}

/** Each group's stake: the sum of its coldkeys' (`stakes` in the order of the groups, flattened). */
function sumGroups(stakes: BigInt64Array, groups: readonly (readonly string[])[], block: number): BigInt64Array {
  const sums = new BigInt64Array(groups.length);
  let i = 0;
  groups.forEach((group, g) => {
    let sum = 0n;
    for (let end = i + group.length; i < end; i++) sum += stakes[i]!;
    sums[g] = inRange(sum, `the coldkeys of user ${g + 1}`, block);
  });
  return sums;
}

function storeUserRows(db: DatabaseSync, grouping: string, rows: ReadonlyArray<{ block: number; stakes: BigInt64Array }>): void {
  if (rows.length === 0) return;
  const put = db.prepare('INSERT OR REPLACE INTO user_snapshot (block, grouping, stakes) VALUES (?, ?, ?)');
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const row of rows) put.run(row.block, grouping, new Uint8Array(row.stakes.buffer, row.stakes.byteOffset, row.stakes.byteLength));
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

/**
 * Adds the row of a snapshot just recorded (its record written first), from the snapshot in memory: the next plan
 * then reads it instead of decoding the record. Only once the table exists (the first plan makes it); a row already
 * there is kept. With the users' `groups` (PeriodShares.groups of the Users sheet now), their stakes too: a plan over
 * the same users reads a quarter of the values.
 */
export function storeSnapshotStakes(dir: string, snapshot: ValidatorSnapshot, groups: readonly (readonly string[])[] | null = null): void {
  const file = path.join(dir, STAKES_FILE);
  if (!fs.existsSync(file)) return;
  const db = openTable(dir);
  try {
    const tracked = db.prepare('SELECT address FROM coldkey ORDER BY position').all().map((r) => r.address as string);
    const byColdkey = new Map<string, Rao>();
    // The TAO value of a coldkey is the sum of its subnets' values, as the records' reader sums them.
    for (const n of snapshot.nominators) byColdkey.set(n.coldkey, n.subnets.reduce((sum, s) => sum + s.tao, 0n));
    const stakes = new BigInt64Array(tracked.length);
    for (let i = 0; i < tracked.length; i++) stakes[i] = inRange(byColdkey.get(tracked[i]!) ?? 0n, tracked[i]!, snapshot.block);
    db.prepare('INSERT OR IGNORE INTO snapshot (block, delegate_stake, nominator_stake, stakes) VALUES (?, ?, ?, ?)').run(
      snapshot.block,
      snapshot.delegateStake.toString(),
      (snapshot.totalStake - snapshot.delegateStake).toString(),
      new Uint8Array(stakes.buffer),
    );
    if (groups) {
      const ordered = BigInt64Array.from(groups.flat(), (coldkey) => inRange(byColdkey.get(coldkey) ?? 0n, coldkey, snapshot.block));
      storeUserRows(db, groupingOf(groups), [{ block: snapshot.block, stakes: sumGroups(ordered, groups, snapshot.block) }]);
    }
  } finally {
    db.close();
  }
}

/** A coldkey's stake is far below 2^63 RAO (the whole supply is about 2^54): anything else is a damaged record. */
function inRange(value: Rao, coldkey: string, block: number): Rao {
  if (value < 0n || value > MAX_INT64) throw new Error(`stake ${value} of ${coldkey} at block ${block} is out of range`);
  return value;
}

/** Each coldkey's position, adding the ones not tracked yet. */
function track(db: DatabaseSync, coldkeys: readonly string[]): Int32Array {
  const add = db.prepare('INSERT OR IGNORE INTO coldkey (position, address) VALUES ((SELECT count(*) FROM coldkey), ?)');
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const coldkey of coldkeys) add.run(coldkey);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
  const known = new Map<string, number>();
  for (const row of db.prepare('SELECT position, address FROM coldkey').iterate()) known.set(row.address as string, row.position as number);
  return Int32Array.from(coldkeys, (k) => known.get(k)!);
}

function storedLengths(db: DatabaseSync, blocks: readonly number[]): Map<number, number> {
  const lengths = new Map<number, number>();
  if (blocks.length === 0) return lengths;
  const query = db.prepare('SELECT block, length(stakes) AS bytes FROM snapshot WHERE block BETWEEN ? AND ?');
  for (const row of query.iterate(blocks[0]!, blocks[blocks.length - 1]!)) lengths.set(row.block as number, row.bytes as number);
  return lengths;
}

/** Reads the records of `blocks` and stores their rows for every tracked coldkey. */
async function fill(db: DatabaseSync, dir: string, blocks: readonly number[], width: number): Promise<void> {
  const tracked = db.prepare('SELECT address FROM coldkey ORDER BY position').all().map((r) => r.address as string);
  // A row replaces one only when it tracks more coldkeys (two processes filling at once keep the wider row).
  const put = db.prepare(
    'INSERT INTO snapshot (block, delegate_stake, nominator_stake, stakes) VALUES (?, ?, ?, ?) ' +
      'ON CONFLICT (block) DO UPDATE SET stakes = excluded.stakes WHERE length(excluded.stakes) > length(snapshot.stakes)',
  );
  let pending = 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    for await (const s of readStakesAt(dir, blocks, tracked)) {
      const stakes = new BigInt64Array(width);
      for (let i = 0; i < width; i++) stakes[i] = inRange(s.stakes.get(tracked[i]!) ?? 0n, tracked[i]!, s.block);
      put.run(s.block, s.delegateStake.toString(), s.nominatorStake.toString(), new Uint8Array(stakes.buffer));
      if (++pending === BATCH) {
        db.exec('COMMIT');
        db.exec('BEGIN IMMEDIATE');
        pending = 0;
      }
    }
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

function* read(db: DatabaseSync, blocks: readonly number[], positions: Int32Array): Generator<PeriodStakes> {
  if (blocks.length === 0) return;
  const wanted = new Set(blocks);
  const pick = picker(positions);
  const query = db.prepare('SELECT block, delegate_stake, nominator_stake, stakes FROM snapshot WHERE block BETWEEN ? AND ? ORDER BY block');
  let found = 0;
  for (const row of query.iterate(blocks[0]!, blocks[blocks.length - 1]!)) {
    const block = row.block as number;
    if (!wanted.has(block)) continue;
    found++;
    const stakes = pick(int64s(row.stakes as Uint8Array));
    yield { block, delegateStake: BigInt(row.delegate_stake as string), nominatorStake: BigInt(row.nominator_stake as string), stakes };
  }
  if (found !== blocks.length) throw new Error(`${STAKES_FILE}: ${blocks.length - found} of the period's snapshots were not stored`);
}

/** The 64-bit integers of a blob: SQLite's buffer may start at any byte, and a BigInt64Array needs 8-byte alignment. */
function int64s(bytes: Uint8Array): BigInt64Array {
  return bytes.byteOffset % 8 === 0 ? new BigInt64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8) : new BigInt64Array(bytes.slice().buffer);
}

/** Takes the values at `positions` out of a row, in that order (usually the row's first ones, as tracked). */
function picker(positions: Int32Array): (row: BigInt64Array) => BigInt64Array {
  if (positions.every((position, i) => position === i)) return (row) => row.subarray(0, positions.length);
  return (row) => BigInt64Array.from(positions, (position) => row[position]!);
}
