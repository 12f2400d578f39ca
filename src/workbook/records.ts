import { mkdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { EscrowStake, NominatorStake, Rao, SnapshotSummary, SubnetPrice, SubnetStake, ValidatorSnapshot } from '../domain/types.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { crashPoint } from '../util/crashPoint.js';
import { UserError } from '../util/errors.js';
import { fileIdentity } from '../util/fileIdentity.js';
import { namesIn } from '../util/listDir.js';
import { decodeFrame, encodeFrame, FrameError, priceGuess, readFrameHeader, type FrameState, type NominatorShape } from './recordFrame.js';
import { scanRecord } from './recordScan.js';

/**
 * Lossless per-nominator snapshot records, kept beside the workbook in `snapshots/`:
 * - `coldkeys.txt`: every coldkey ever seen, one per line, append-only (a record refers to a coldkey by line index,
 *   so 5,000 SS58 strings are not repeated in every snapshot);
 * - `<block>.vtr` (format 2, recordFrame.ts): a JSON head (block, hash, time, take, totals, prices, the owner's own
 *   stake) and every nominator's alpha and TAO value per subnet in binary, stored as exact corrections to a guess made
 *   from the record before it, so a snapshot takes a few kB instead of 60. Every KEY_EVERY-th record (and the first,
 *   and one after a gap in format 2) is a key frame that needs no other; a record is written once, atomically, and
 *   never changed;
 * - `<block>.json.gz` (format 1, written before format 2): one gzip'd JSON document per snapshot, still read. Amounts
 *   are decimal strings; a stake entry is `[netuid, alpha]` when its TAO value is floor(alpha * price) at the
 *   record's price for that subnet, or `[netuid, alpha, tao]` otherwise.
 */
export const RECORD_FORMAT = 'valtrac-snapshot-record/1';
export const FRAME_FORMAT = 'valtrac-snapshot-record/2';
export const DICTIONARY_FILE = 'coldkeys.txt';
/** A key frame at least every this many records: reading any one record decodes at most this many files. */
export const KEY_EVERY = 64;

const gunzipAsync = promisify(gunzip);
const RECORD_NAME = /^(\d{10})\.(json\.gz|vtr)$/;

type Entry = [number, string] | [number, string, string];

/** A record's JSON: format 1 holds the nominators too; format 2 keeps them in binary after it. */
interface RecordHead {
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
  /**
   * The basket escrow (absent when it holds nothing on the hotkey): what stays with it, and where the runtime has the
   * basket maps, its whole holdings (alpha per subnet), the shares outstanding and each staker's owed shares.
   */
  escrow?: { left: Entry[]; basket?: { holdings: Array<[number, string]>; shares: string; owed: Array<[string, string]> } };
}

interface RecordDoc extends RecordHead {
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
  await writeFileAtomic(path.join(dir, CHAIN_FILE), `${JSON.stringify({ genesis })}\n`, 'Writing the snapshot records');
}

/** The snapshots folder for a workbook path (`workbook/valtrac.xlsx` → `workbook/snapshots`). */
export function recordsDir(workbookPath: string): string {
  return path.join(path.dirname(workbookPath), 'snapshots');
}

/** Where the record of `block` is written (format 2). */
export function recordPath(dir: string, block: number): string {
  return path.join(dir, `${String(block).padStart(10, '0')}.vtr`);
}

/** Where a format-1 record of `block` was written. */
export function legacyRecordPath(dir: string, block: number): string {
  return path.join(dir, `${String(block).padStart(10, '0')}.json.gz`);
}

/** Blocks that have a record (either format), ascending. */
export async function listRecords(dir: string): Promise<number[]> {
  return [...(await listing(dir)).keys()];
}

/** Each recorded block and whether its record is format 2, ascending by block. */
async function listing(dir: string): Promise<Map<number, boolean>> {
  const found: Array<[number, boolean]> = [];
  for (const name of await namesIn(dir)) {
    const match = RECORD_NAME.exec(name);
    if (match) found.push([Number(match[1]), match[2] === 'vtr']);
  }
  return new Map(found.sort((a, b) => a[0] - b[0]));
}

export async function hasRecord(dir: string, block: number): Promise<boolean> {
  const exists = (file: string) => stat(file).then(() => true, () => false);
  return (await exists(recordPath(dir, block))) || (await exists(legacyRecordPath(dir, block)));
}

/**
 * The state of the record a process wrote last in each folder: the next record's base, without reading it back. Used
 * only while that file is still the one written (a folder restored from a backup is read again).
 */
const lastWritten = new Map<string, { block: number; depth: number; state: FrameState; file: string }>();

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
    await writeFileAtomic(path.join(dir, DICTIONARY_FILE), [...index.keys()].join('\n') + '\n', 'Writing the snapshot records');
  }
  crashPoint('record-after-dictionary');
  const prices = new Map((snapshot.prices ?? []).map((p) => [p.netuid, p]));
  const head: RecordHead = {
    format: FRAME_FORMAT,
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
    ...(snapshot.escrow ? { escrow: escrowHead(snapshot.escrow, prices) } : {}),
  };
  const shapes: NominatorShape[] = snapshot.nominators.map((n) => ({ index: index.get(n.coldkey)!, netuids: n.subnets.map((s) => s.netuid) }));
  const alpha = snapshot.nominators.flatMap((n) => n.subnets.map((s) => s.alpha));
  const tao = snapshot.nominators.flatMap((n) => n.subnets.map((s) => s.tao));
  const frame = encodeFrame(JSON.stringify(head), snapshot.block, shapes, alpha, tao, priceGuess([...prices.values()]), await baseFor(dir, snapshot.block));
  await writeFileAtomic(recordPath(dir, snapshot.block), frame.bytes, 'Writing the snapshot record');
  const file = fileIdentity(recordPath(dir, snapshot.block));
  if (file !== 'missing') lastWritten.set(dir, { block: snapshot.block, depth: frame.header.depth, state: frame.state, file });
  return true;
}

/** The record a new one at `block` edits: the newest format-2 record before it, unless a key frame is due. */
async function baseFor(dir: string, block: number): Promise<{ block: number; depth: number; state: FrameState } | null> {
  let previous: number | null = null;
  let format2 = false;
  for (const [b, isFrame] of await listing(dir)) {
    if (b >= block) break;
    previous = b;
    format2 = isFrame;
  }
  if (previous === null || !format2) return null;
  const last = lastWritten.get(dir);
  const kept = last?.block === previous && last.file === fileIdentity(recordPath(dir, previous));
  const base = kept ? last! : { block: previous, ...(await new FrameStates(dir).load(previous)) };
  return base.depth + 1 >= KEY_EVERY ? null : base;
}

/** The full snapshot recorded at `block`, exactly as it was read from the chain. */
export async function readRecord(dir: string, block: number): Promise<ValidatorSnapshot> {
  const dictionary = await readDictionary(dir);
  if (await hasLegacyRecord(dir, block)) return docToSnapshot(await readDoc(dir, block), dictionary, legacyRecordPath(dir, block));
  const frame = await new FrameStates(dir).load(block);
  return frameToSnapshot(frame, dictionary, recordPath(dir, block));
}

/** The full snapshots recorded at `blocks` (ascending), each record decoded once. */
export async function* readRecordsAt(dir: string, blocks: readonly number[]): AsyncGenerator<ValidatorSnapshot> {
  const dictionary = await readDictionary(dir);
  const formats = await listing(dir);
  const states = new FrameStates(dir);
  for (const block of blocks) {
    if (formats.get(block) === false) yield docToSnapshot(await readDoc(dir, block), dictionary, legacyRecordPath(dir, block));
    else yield frameToSnapshot(await states.load(block), dictionary, recordPath(dir, block));
  }
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
  yield* readStakesAt(dir, blocks, coldkeys);
}

/** readStakes for chosen blocks (ascending), e.g. a long history sampled for a chart. */
export async function* readStakesAt(dir: string, blocks: readonly number[], coldkeys?: Iterable<string>): AsyncGenerator<RecordedStakes> {
  if (blocks.length === 0) return;
  const formats = await listing(dir);
  const dictionary = await readDictionary(dir);
  const wanted = coldkeys ? new Set(coldkeys) : null;
  const keep = wanted ? Uint8Array.from(dictionary, (coldkey) => (wanted.has(coldkey) ? 1 : 0)) : null;
  const states = new FrameStates(dir);
  // Files are read and format-1 records inflated on libuv's threads, a few ahead of the one being decoded.
  const AHEAD = 4;
  const ahead: Promise<Loaded>[] = [];
  const prefetch = (i: number) => {
    if (i >= blocks.length) return;
    const block = blocks[i]!;
    const loaded: Promise<Loaded> = formats.get(block) === false
      ? inflate(dir, block).then((json) => ({ legacy: json }))
      : states.bytes(block).then((bytes) => ({ frame: bytes }));
    loaded.catch(() => undefined); // a failure is reported when its turn comes, not as an unhandled rejection
    ahead.push(loaded);
  };
  for (let i = 0; i < AHEAD; i++) prefetch(i);
  for (const [i, block] of blocks.entries()) {
    prefetch(i + AHEAD);
    const loaded = await ahead.shift()!;
    if ('legacy' in loaded) {
      yield legacyStakes(loaded.legacy, block, legacyRecordPath(dir, block), dictionary, wanted, keep);
      continue;
    }
    const frame = await states.load(block, loaded.frame);
    const file = recordPath(dir, block);
    checkDictionary(frame.head, dictionary, file);
    const stakes = new Map<string, Rao>();
    let p = 0;
    for (const n of frame.state.nominators) {
      const count = n.netuids.length;
      if (!keep || keep[n.index] === 1) stakes.set(dictionary[n.index]!, sumOf(frame.state.tao, p, count));
      p += count;
    }
    yield { ...totalsOf(frame.head), stakes };
  }
}

type Loaded = { legacy: Buffer } | { frame: Buffer };

function totalsOf(head: RecordHead): Omit<RecordedStakes, 'stakes'> {
  const totalStake = BigInt(head.totalStake);
  const delegateStake = BigInt(head.delegateStake);
  return { block: head.block, blockHash: head.blockHash, time: new Date(head.time), totalStake, delegateStake, nominatorStake: totalStake - delegateStake };
}

/** Sum of `count` values from `start`: in numbers while that is exact, else in bigints. */
function sumOf(values: Float64Array | bigint[], start: number, count: number): Rao {
  let small = 0;
  for (let k = 0; k < count; k++) {
    const v = values[start + k]!;
    if (typeof v !== 'number') break;
    small += v;
    if (k === count - 1 && Number.isSafeInteger(small)) return BigInt(small);
  }
  if (count === 0) return 0n;
  let sum = 0n;
  for (let k = 0; k < count; k++) sum += BigInt(values[start + k]!);
  return sum;
}

function legacyStakes(
  json: Buffer,
  block: number,
  file: string,
  dictionary: string[],
  wanted: Set<string> | null,
  keep: Uint8Array | null,
): RecordedStakes {
  const doc = parseDoc(json, block, file, keep ? (index) => keep[index] === 1 : undefined);
  checkDictionary(doc, dictionary, file);
  const prices = priceMap(doc);
  const stakes = new Map<string, Rao>();
  for (const [i, entries] of doc.nominators) {
    const coldkey = dictionary[i]!;
    if (wanted && !wanted.has(coldkey)) continue;
    stakes.set(coldkey, entries.reduce((sum, e) => sum + subnetStake(e, prices, file).tao, 0n));
  }
  return { ...totalsOf(doc), stakes };
}

interface DecodedFrame {
  head: RecordHead;
  depth: number;
  state: FrameState;
}

/**
 * Decodes format-2 records of one folder, keeping the last few decoded so that a run of records (each an edit of the
 * one before) is decoded once each.
 */
class FrameStates {
  private readonly decoded = new Map<number, DecodedFrame>();

  constructor(private readonly dir: string) {}

  async bytes(block: number): Promise<Buffer> {
    const file = recordPath(this.dir, block);
    try {
      return await readFile(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new UserError(`no snapshot record for block ${block} (${file}).`);
      throw error;
    }
  }

  /** The decoded record of `block`, and before it every record it edits back to a key frame. */
  async load(block: number, bytes?: Buffer): Promise<DecodedFrame> {
    const cached = this.decoded.get(block);
    if (cached) return cached;
    const file = recordPath(this.dir, block);
    const data = bytes ?? (await this.bytes(block));
    try {
      const { header } = readFrameHeader(data, file);
      const base = header.base === null ? null : await this.load(header.base);
      const { head, state } = decodeFrame(data, file, headPrices, base?.state ?? null);
      const parsed = JSON.parse(head) as RecordHead;
      if (parsed.format !== FRAME_FORMAT || parsed.block !== block || header.block !== block) {
        throw new FrameError(`${file} is not a ${FRAME_FORMAT} record of block ${block}`);
      }
      const frame = { head: parsed, depth: header.depth, state };
      this.decoded.set(block, frame);
      // Only the newest few are needed again: the next record edits the one just decoded.
      if (this.decoded.size > 4) this.decoded.delete(this.decoded.keys().next().value!);
      return frame;
    } catch (error) {
      if (error instanceof FrameError || error instanceof SyntaxError) {
        throw new UserError(`${error.message}; restore the snapshots folder from a backup (a record needs the ones before it back to its key frame).`);
      }
      throw error;
    }
  }
}

function headPrices(head: string): ReturnType<typeof priceGuess> {
  const { prices } = JSON.parse(head) as Pick<RecordHead, 'prices'>;
  return priceGuess(prices.map(([netuid, num, den]) => ({ netuid, num: BigInt(num), den: BigInt(den) })));
}

function entry(s: SubnetStake, prices: Map<number, SubnetPrice>): Entry {
  const price = prices.get(s.netuid);
  const derived = price && price.den !== 0n ? (s.alpha * price.num) / price.den : null;
  return derived === s.tao ? [s.netuid, s.alpha.toString()] : [s.netuid, s.alpha.toString(), s.tao.toString()];
}

function escrowHead(escrow: EscrowStake, prices: Map<number, SubnetPrice>): NonNullable<RecordHead['escrow']> {
  const basket = escrow.basket;
  return {
    left: escrow.subnets.map((s) => entry(s, prices)),
    ...(basket
      ? {
          basket: {
            holdings: basket.holdings.map(([netuid, alpha]) => [netuid, alpha.toString()]),
            shares: basket.shares.toString(),
            owed: basket.owed.map(([coldkey, owed]) => [coldkey, owed.toString()]),
          },
        }
      : {}),
  };
}

function escrowOf(head: RecordHead, prices: Map<number, SubnetPrice>, file: string): EscrowStake | null {
  if (!head.escrow) return null;
  const subnets = head.escrow.left.map((e) => subnetStake(e, prices, file));
  const basket = head.escrow.basket;
  return {
    subnets,
    stake: subnets.reduce((sum, s) => sum + s.tao, 0n),
    ...(basket
      ? {
          basket: {
            holdings: basket.holdings.map(([netuid, alpha]) => [netuid, BigInt(alpha)] as [number, bigint]),
            shares: BigInt(basket.shares),
            owed: basket.owed.map(([coldkey, owed]) => [coldkey, BigInt(owed)] as [string, bigint]),
          },
        }
      : {}),
  };
}

function priceMap(doc: RecordHead): Map<number, SubnetPrice> {
  return new Map(doc.prices.map(([netuid, num, den]) => [netuid, { netuid, num: BigInt(num), den: BigInt(den) }]));
}

function subnetStake(e: Entry, prices: Map<number, SubnetPrice>, file: string): SubnetStake {
  const alpha = BigInt(e[1]);
  if (e.length === 3) return { netuid: e[0], alpha, tao: BigInt(e[2]) };
  const price = prices.get(e[0]);
  if (!price || price.den === 0n) throw new UserError(`${file}: no price recorded for subnet ${e[0]}; the record is damaged.`);
  return { netuid: e[0], alpha, tao: (alpha * price.num) / price.den };
}

/** The snapshot's fields kept in the JSON head (everything but the nominators). */
function headToSnapshot(head: RecordHead, file: string): Omit<ValidatorSnapshot, 'nominators'> {
  const prices = priceMap(head);
  return {
    block: head.block,
    blockHash: head.blockHash,
    time: new Date(head.time),
    hotkey: head.hotkey,
    owner: head.owner,
    takePpm: BigInt(head.takePpm),
    era: head.era,
    totalStake: BigInt(head.totalStake),
    delegateStake: BigInt(head.delegateStake),
    delegateSubnets: head.delegate.map((e) => subnetStake(e, prices, file)),
    prices: [...prices.values()],
    ...(head.escrow ? { escrow: escrowOf(head, prices, file)! } : {}),
  };
}

function docToSnapshot(doc: RecordDoc, dictionary: string[], file: string): ValidatorSnapshot {
  checkDictionary(doc, dictionary, file);
  const prices = priceMap(doc);
  const nominators: NominatorStake[] = doc.nominators.map(([i, entries]) => {
    const subnets = entries.map((e) => subnetStake(e, prices, file));
    return { coldkey: dictionary[i]!, stake: subnets.reduce((sum, s) => sum + s.tao, 0n), subnets };
  });
  const { nominators: _, ...head } = doc;
  return { ...headToSnapshot(head, file), nominators };
}

function frameToSnapshot(frame: DecodedFrame, dictionary: string[], file: string): ValidatorSnapshot {
  checkDictionary(frame.head, dictionary, file);
  const { alpha, tao } = frame.state;
  let p = 0;
  const nominators: NominatorStake[] = frame.state.nominators.map((n) => {
    const subnets = n.netuids.map((netuid) => {
      const s = { netuid, alpha: BigInt(alpha[p]!), tao: BigInt(tao[p]!) };
      p++;
      return s;
    });
    return { coldkey: dictionary[n.index]!, stake: subnets.reduce((sum, s) => sum + s.tao, 0n), subnets };
  });
  return { ...headToSnapshot(frame.head, file), nominators };
}

async function hasLegacyRecord(dir: string, block: number): Promise<boolean> {
  return stat(legacyRecordPath(dir, block)).then(() => true, () => false);
}

async function readDoc(dir: string, block: number): Promise<RecordDoc> {
  return parseDoc(await inflate(dir, block), block, legacyRecordPath(dir, block));
}

/** A format-1 record's JSON text, still as bytes. */
async function inflate(dir: string, block: number): Promise<Buffer> {
  const file = legacyRecordPath(dir, block);
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

/** A format-1 record; with `keep`, only the nominator entries whose dictionary index it keeps. */
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

function checkDictionary(head: RecordHead, dictionary: string[], file: string): void {
  if (dictionary.length < head.coldkeys) {
    throw new UserError(
      `${file} refers to ${head.coldkeys} coldkeys but ${DICTIONARY_FILE} beside it has ${dictionary.length}: ` +
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
