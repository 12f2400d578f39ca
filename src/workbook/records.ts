import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { NominatorStake, Rao, SnapshotSummary, SubnetPrice, SubnetStake, ValidatorSnapshot } from '../domain/types.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { UserError } from '../util/errors.js';
import { namesIn } from '../util/listDir.js';
import { scanRecord } from './recordScan.js';

/**
 * Lossless per-nominator snapshot records, kept beside the workbook in `snapshots/`:
 * - `coldkeys.txt`: every coldkey ever seen, one per line, append-only (a record refers to a coldkey by line index,
 *   so 5,000 SS58 strings are not repeated in every snapshot);
 * - `<block>.json.gz`: one gzip'd JSON document per snapshot. Amounts are decimal strings (exact bigints).
 *   A stake entry is `[netuid, alpha]` when its TAO value is floor(alpha * price) at the record's price for that
 *   subnet, or `[netuid, alpha, tao]` otherwise, so the file holds exactly what was read and nothing twice.
 */
export const RECORD_FORMAT = 'valtrac-snapshot-record/1';
export const DICTIONARY_FILE = 'coldkeys.txt';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);
const RECORD_NAME = /^(\d{10})\.json\.gz$/;

type Entry = [number, string] | [number, string, string];

interface RecordDoc {
  format: string;
  block: number;
  blockHash: string;
  time: string;
  hotkey: string;
  owner: string;
  takePpm: string;
  era: 'dynamic' | 'legacy';
  totalStake: string;
  delegateStake: string;
  /** Number of lines in coldkeys.txt when this record was written: every index below it is valid. */
  coldkeys: number;
  prices: Array<[number, string, string]>;
  delegate: Entry[];
  nominators: Array<[number, Entry[]]>;
}

/** The chain the records were read from (its genesis hash), written with the first record. */
export const CHAIN_FILE = 'chain.json';

async function recordedGenesis(dir: string): Promise<string | null> {
  try {
    return (JSON.parse(await readFile(path.join(dir, CHAIN_FILE), 'utf8')) as { genesis: string }).genesis;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new UserError(`${path.join(dir, CHAIN_FILE)} cannot be read (${(error as Error).message}); restore it from a backup.`);
  }
}

/**
 * Refuses a node of another chain than the one the records come from (a finney workbook pointed at testnet, or at a
 * fresh local node): its stakes must never be averaged with them. Reads only.
 */
export async function checkChain(dir: string, genesis: string, node: string): Promise<void> {
  const recorded = await recordedGenesis(dir);
  if (recorded !== null && recorded.toLowerCase() !== genesis.toLowerCase()) {
    throw new UserError(
      `${node} is a different chain (genesis ${genesis}) than the one the snapshots in ${dir} were recorded from ` +
        `(genesis ${recorded}). Point --network or the Settings network at a node of that chain.`,
    );
  }
}

/** Notes the chain beside the records the first time a record is written. */
export async function rememberChain(dir: string, genesis: string): Promise<void> {
  if ((await recordedGenesis(dir)) !== null) return;
  await mkdir(dir, { recursive: true });
  await writeFileAtomic(path.join(dir, CHAIN_FILE), `${JSON.stringify({ genesis })}\n`);
}

/** The snapshots folder for a workbook path (`workbook/valtrac.xlsx` → `workbook/snapshots`). */
export function recordsDir(workbookPath: string): string {
  return path.join(path.dirname(workbookPath), 'snapshots');
}

export function recordPath(dir: string, block: number): string {
  return path.join(dir, `${String(block).padStart(10, '0')}.json.gz`);
}

/** Blocks that have a record, ascending. */
export async function listRecords(dir: string): Promise<number[]> {
  return (await namesIn(dir))
    .map((n) => RECORD_NAME.exec(n)?.[1])
    .filter((b): b is string => b !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

export async function hasRecord(dir: string, block: number): Promise<boolean> {
  return stat(recordPath(dir, block)).then(
    () => true,
    () => false,
  );
}

/**
 * Writes the record of one snapshot (dictionary first, then the record, each atomically). A block already recorded
 * is left untouched: returns false.
 */
export async function writeRecord(dir: string, snapshot: ValidatorSnapshot): Promise<boolean> {
  await mkdir(dir, { recursive: true });
  if (await hasRecord(dir, snapshot.block)) return false;
  const dictionary = await readDictionary(dir);
  const index = new Map(dictionary.map((k, i) => [k, i]));
  const added = snapshot.nominators.map((n) => n.coldkey).filter((k) => !index.has(k));
  if (added.length > 0) {
    for (const k of added) index.set(k, index.size);
    await writeFileAtomic(path.join(dir, DICTIONARY_FILE), [...index.keys()].join('\n') + '\n');
  }
  const prices = new Map((snapshot.prices ?? []).map((p) => [p.netuid, p]));
  const doc: RecordDoc = {
    format: RECORD_FORMAT,
    block: snapshot.block,
    blockHash: snapshot.blockHash,
    time: snapshot.time.toISOString(),
    hotkey: snapshot.hotkey,
    owner: snapshot.owner,
    takePpm: snapshot.takePpm.toString(),
    era: snapshot.era,
    totalStake: snapshot.totalStake.toString(),
    delegateStake: snapshot.delegateStake.toString(),
    coldkeys: index.size,
    prices: [...prices.values()].map((p) => [p.netuid, p.num.toString(), p.den.toString()]),
    delegate: (snapshot.delegateSubnets ?? []).map((s) => entry(s, prices)),
    nominators: snapshot.nominators.map((n) => [index.get(n.coldkey)!, n.subnets.map((s) => entry(s, prices))]),
  };
  const bytes = await gzipAsync(JSON.stringify(doc), { level: 9 });
  await writeFileAtomic(recordPath(dir, snapshot.block), bytes);
  return true;
}

/** The full snapshot recorded at `block`, exactly as it was read from the chain. */
export async function readRecord(dir: string, block: number): Promise<ValidatorSnapshot> {
  const [doc, dictionary] = await Promise.all([readDoc(dir, block), readDictionary(dir)]);
  return toSnapshot(doc, dictionary, recordPath(dir, block));
}

export interface RecordedStakes
  extends Pick<SnapshotSummary, 'block' | 'blockHash' | 'time' | 'totalStake' | 'delegateStake' | 'nominatorStake'> {
  /** Stake (TAO value, RAO) per coldkey, for the coldkeys asked for (all nominators when none were named). */
  stakes: Map<string, Rao>;
}

/**
 * Each recorded snapshot in [fromBlock, toBlock], ascending, with the stake of the given coldkeys (registered
 * users' addresses): what the payout plan averages over. The dictionary is read once for the whole range.
 */
export async function* readStakes(
  dir: string,
  range: { fromBlock: number; toBlock: number },
  coldkeys?: Iterable<string>,
): AsyncGenerator<RecordedStakes> {
  const blocks = (await listRecords(dir)).filter((b) => b >= range.fromBlock && b <= range.toBlock);
  if (blocks.length === 0) return;
  const dictionary = await readDictionary(dir);
  const wanted = coldkeys ? new Set(coldkeys) : null;
  const keep = wanted ? Uint8Array.from(dictionary, (coldkey) => (wanted.has(coldkey) ? 1 : 0)) : null;
  // Reading and gunzip run on libuv's threads: keep a few records in flight while this thread parses the current one.
  const AHEAD = 4;
  const ahead: Promise<Buffer>[] = [];
  const prefetch = (i: number) => {
    if (i >= blocks.length) return;
    const json = inflate(dir, blocks[i]!);
    json.catch(() => undefined); // a failure is reported when its turn comes, not as an unhandled rejection
    ahead.push(json);
  };
  for (let i = 0; i < AHEAD; i++) prefetch(i);
  for (const [i, block] of blocks.entries()) {
    prefetch(i + AHEAD);
    const file = recordPath(dir, block);
    const doc = parseDoc(await ahead.shift()!, block, file, keep ? (index) => keep[index] === 1 : undefined);
    checkDictionary(doc, dictionary, file);
    const prices = priceMap(doc);
    const stakes = new Map<string, Rao>();
    for (const [i, entries] of doc.nominators) {
      const coldkey = dictionary[i]!;
      if (wanted && !wanted.has(coldkey)) continue;
      stakes.set(coldkey, entries.reduce((sum, e) => sum + subnetStake(e, prices, file).tao, 0n));
    }
    const totalStake = BigInt(doc.totalStake);
    const delegateStake = BigInt(doc.delegateStake);
    yield {
      block: doc.block,
      blockHash: doc.blockHash,
      time: new Date(doc.time),
      totalStake,
      delegateStake,
      nominatorStake: totalStake - delegateStake,
      stakes,
    };
  }
}

function entry(s: SubnetStake, prices: Map<number, SubnetPrice>): Entry {
  const price = prices.get(s.netuid);
  const derived = price && price.den !== 0n ? (s.alpha * price.num) / price.den : null;
  return derived === s.tao ? [s.netuid, s.alpha.toString()] : [s.netuid, s.alpha.toString(), s.tao.toString()];
}

function priceMap(doc: RecordDoc): Map<number, SubnetPrice> {
  return new Map(doc.prices.map(([netuid, num, den]) => [netuid, { netuid, num: BigInt(num), den: BigInt(den) }]));
}

function subnetStake(e: Entry, prices: Map<number, SubnetPrice>, file: string): SubnetStake {
  const alpha = BigInt(e[1]);
  if (e.length === 3) return { netuid: e[0], alpha, tao: BigInt(e[2]) };
  const price = prices.get(e[0]);
  if (!price || price.den === 0n) throw new UserError(`${file}: no price recorded for subnet ${e[0]}; the record is damaged.`);
  return { netuid: e[0], alpha, tao: (alpha * price.num) / price.den };
}

function toSnapshot(doc: RecordDoc, dictionary: string[], file: string): ValidatorSnapshot {
  checkDictionary(doc, dictionary, file);
  const prices = priceMap(doc);
  const nominators: NominatorStake[] = doc.nominators.map(([i, entries]) => {
    const subnets = entries.map((e) => subnetStake(e, prices, file));
    return { coldkey: dictionary[i]!, stake: subnets.reduce((sum, s) => sum + s.tao, 0n), subnets };
  });
  return {
    block: doc.block,
    blockHash: doc.blockHash,
    time: new Date(doc.time),
    hotkey: doc.hotkey,
    owner: doc.owner,
    takePpm: BigInt(doc.takePpm),
    era: doc.era,
    totalStake: BigInt(doc.totalStake),
    delegateStake: BigInt(doc.delegateStake),
    nominators,
    delegateSubnets: doc.delegate.map((e) => subnetStake(e, prices, file)),
    prices: [...prices.values()],
  };
}

async function readDoc(dir: string, block: number): Promise<RecordDoc> {
  return parseDoc(await inflate(dir, block), block, recordPath(dir, block));
}

/** The record's JSON text, still as bytes. */
async function inflate(dir: string, block: number): Promise<Buffer> {
  const file = recordPath(dir, block);
  let raw: Buffer;
  try {
    raw = await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`no snapshot record for block ${block} (${file}).`);
    throw error;
  }
  try {
    // One large output chunk: the default 16 kB means a dozen thread hops per record.
    return await gunzipAsync(raw, { chunkSize: 1 << 20 });
  } catch (error) {
    throw new UserError(`${file} is not a readable snapshot record (${(error as Error).message}); restore it from a backup.`);
  }
}

/** The record; with `keep`, only the nominator entries whose dictionary index it keeps. */
function parseDoc(json: Buffer, block: number, file: string, keep?: (index: number) => boolean): RecordDoc {
  let doc: RecordDoc;
  try {
    const scanned = keep ? scanRecord(json, keep) : null;
    doc = scanned ? { ...(JSON.parse(scanned.head) as RecordDoc), nominators: scanned.nominators } : (JSON.parse(json.toString('utf8')) as RecordDoc);
  } catch (error) {
    throw new UserError(`${file} is not a readable snapshot record (${(error as Error).message}); restore it from a backup.`);
  }
  if (doc.format !== RECORD_FORMAT || doc.block !== block) {
    throw new UserError(`${file} is not a ${RECORD_FORMAT} record of block ${block}.`);
  }
  return doc;
}

function checkDictionary(doc: RecordDoc, dictionary: string[], file: string): void {
  if (dictionary.length < doc.coldkeys) {
    throw new UserError(
      `${file} refers to ${doc.coldkeys} coldkeys but ${DICTIONARY_FILE} beside it has ${dictionary.length}: ` +
        `keep the snapshots folder together (restore ${DICTIONARY_FILE} from a backup).`,
    );
  }
}

async function readDictionary(dir: string): Promise<string[]> {
  try {
    const text = await readFile(path.join(dir, DICTIONARY_FILE), 'utf8');
    return text.split('\n').filter((line) => line.length > 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
