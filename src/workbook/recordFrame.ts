import { deflateSync, inflateSync } from 'node:zlib';

/**
 * The binary encoding of one snapshot record (format 2; records.ts does the files). A record holds every nominator's
 * alpha and TAO value per subnet exactly; what makes it small is that it stores them as corrections to a guess made
 * from the record before it (its `base`), and most corrections are 0 or ±1:
 *
 * - the nominators and their subnets are an edit of the base's list (keep n, drop n, put these), usually "keep all";
 * - a position's alpha is guessed per subnet as the base's alpha, the base's alpha plus its last change, or the
 *   base's alpha times one ratio for the whole subnet (a hotkey's emission grows every nominator's alpha on a subnet
 *   by the same factor); the writer stores which guess was best and the exact difference from it;
 * - a position's TAO value is guessed as floor(alpha × price) in double precision and stored as the exact
 *   difference from that guess, so the guess needs no big-integer division and a TAO value that is not the price's
 *   floor is kept as it was read.
 *
 * Guesses are made with IEEE-754 doubles, which ECMAScript defines bit for bit, so the reader makes the same guess as
 * the writer; values are exact because every number involved is an integer below 2^53, which the writer checks. A
 * snapshot holding a larger value is written as an "exact" key frame (plain big integers, no guesses) instead.
 *
 * A key frame has no base. Every frame is deflated on its own (zlib, whose checksum catches a damaged file).
 */

export const FRAME_MAGIC = Buffer.from('VTR2');

/** Frame kinds, as written after the magic. */
const KEY = 0;
const DELTA = 1;
const EXACT = 2;

/** Per-subnet guesses for a position that was in the base. */
const SAME = 0;
const TREND = 1;
const RATIO = 2;
/** Positions smaller than this (in RAO) are left out of a subnet's ratio: their rounding would blur it. */
const RATIO_FROM = 1e9;

export interface NominatorShape {
  /** Line index of the coldkey in the records' coldkey dictionary. */
  index: number;
  netuids: number[];
}

/** A decoded frame: the nominators in the record's order and their positions' values, flattened in that order. */
export interface FrameState {
  nominators: NominatorShape[];
  /** Each position's netuid, in order. */
  netuids: Int32Array;
  /** Alpha and TAO value per position: integers below 2^53 in doubles or, in an exact frame, bigints. */
  alpha: Float64Array | bigint[];
  tao: Float64Array | bigint[];
  /** Each position's alpha change since the base (0 where it was not there): the TREND guess of the next frame. */
  trend: Float64Array | null;
}

export interface FrameHeader {
  kind: 'key' | 'delta' | 'exact';
  block: number;
  /** The block of the record this one is an edit of (delta frames only). */
  base: number | null;
  /** Frames since the last key frame (0 for a key frame). */
  depth: number;
}

export interface EncodedFrame {
  header: FrameHeader;
  bytes: Buffer;
  state: FrameState;
}

/** Subnet prices as doubles, for the TAO guess: floor(alpha × num / den). */
export type PriceGuess = ReadonlyMap<number, number>;

export function priceGuess(prices: ReadonlyArray<{ netuid: number; num: bigint; den: bigint }>): PriceGuess {
  return new Map(prices.map((p) => [p.netuid, p.den === 0n ? 0 : Number(p.num) / Number(p.den)]));
}

function guessTao(alpha: number, price: number | undefined): number {
  return price === undefined ? 0 : Math.floor(alpha * price);
}

/**
 * Encodes one snapshot: `head` is the record's JSON head (everything but the nominators), `nominators` and the
 * flattened `alpha`/`tao` its nominators' positions in order, `base` the decoded record before it (null: key frame).
 */
export function encodeFrame(
  head: string,
  block: number,
  nominators: NominatorShape[],
  alpha: bigint[],
  tao: bigint[],
  prices: PriceGuess,
  base: { block: number; depth: number; state: FrameState } | null,
): EncodedFrame {
  const netuids = flatNetuids(nominators);
  const small = toSafeNumbers(alpha, tao, netuids, prices);
  const w = new Writer();
  w.uint(Buffer.byteLength(head));
  w.bytes(Buffer.from(head, 'utf8'));
  let header: FrameHeader;
  let state: FrameState;
  if (!small) {
    header = { kind: 'exact', block, base: null, depth: 0 };
    writeShapes(w, nominators);
    for (const v of alpha) w.big(v);
    for (const v of tao) w.big(v);
    state = { nominators, netuids, alpha, tao, trend: null };
  } else if (base === null || base.state.trend === null) {
    header = { kind: 'key', block, base: null, depth: 0 };
    writeShapes(w, nominators);
    for (const v of small.alpha) w.int(v);
    for (const v of small.taoCorrections) w.int(v);
    state = { nominators, netuids, alpha: small.alpha, tao: small.tao, trend: new Float64Array(netuids.length) };
  } else {
    header = { kind: 'delta', block, base: base.block, depth: base.depth + 1 };
    const runs = editOf(nominators, base.state.nominators);
    writeEdit(w, runs);
    const { from } = applyEdit(runs, base.state, `snapshot ${block}`);
    const trend = writeValues(w, netuids, small, from, base.state);
    state = { nominators, netuids, alpha: small.alpha, tao: small.tao, trend };
  }
  const out = new Writer();
  out.bytes(FRAME_MAGIC);
  out.uint(header.kind === 'key' ? KEY : header.kind === 'delta' ? DELTA : EXACT);
  out.uint(block);
  if (header.kind === 'delta') {
    out.uint(header.base!);
    out.uint(header.depth);
  }
  out.bytes(deflateSync(w.finish(), { level: 9 }));
  return { header, bytes: Buffer.from(out.finish()), state };
}

/** The frame's kind, block and base, read without inflating it. */
export function readFrameHeader(bytes: Uint8Array, file: string): { header: FrameHeader; bodyAt: number } {
  if (bytes.length < 4 || !FRAME_MAGIC.equals(bytes.subarray(0, 4))) throw new FrameError(`${file} is not a snapshot record of format 2`);
  const r = new Reader(bytes, 4, file);
  const kind = r.uint();
  if (kind !== KEY && kind !== DELTA && kind !== EXACT) throw new FrameError(`${file}: unknown frame kind ${kind}`);
  const block = r.uint();
  const header: FrameHeader =
    kind === DELTA
      ? { kind: 'delta', block, base: r.uint(), depth: r.uint() }
      : { kind: kind === KEY ? 'key' : 'exact', block, base: null, depth: 0 };
  return { header, bodyAt: r.at };
}

/**
 * Decodes a frame; a delta frame needs its base's decoded state. `prices` turns the JSON head into the TAO guess's
 * prices. Returns the header, the JSON head and the nominators' state.
 */
export function decodeFrame(
  bytes: Uint8Array,
  file: string,
  prices: (head: string) => PriceGuess,
  base: FrameState | null,
): { header: FrameHeader; head: string; state: FrameState } {
  const { header, bodyAt } = readFrameHeader(bytes, file);
  let body: Buffer;
  try {
    body = inflateSync(bytes.subarray(bodyAt));
  } catch (error) {
    throw new FrameError(`${file} is damaged (${(error as Error).message})`);
  }
  const r = new Reader(body, 0, file);
  const head = r.text(r.uint());
  const guess = prices(head);
  if (header.kind === 'delta') {
    if (base === null || base.trend === null) throw new FrameError(`${file}: the record it edits (block ${header.base}) cannot be read`);
    const { nominators, from, netuids } = applyEdit(readEdit(r), base, file);
    return { header, head, state: { nominators, netuids, ...readValues(r, netuids, from, base, guess) } };
  }
  const nominators = readShapes(r);
  const netuids = flatNetuids(nominators);
  const count = netuids.length;
  if (header.kind === 'exact') {
    const alpha = Array.from({ length: count }, () => r.big());
    const tao = Array.from({ length: count }, () => r.big());
    return { header, head, state: { nominators, netuids, alpha, tao, trend: null } };
  }
  const alpha = new Float64Array(count);
  const tao = new Float64Array(count);
  for (let p = 0; p < count; p++) alpha[p] = r.int();
  for (let p = 0; p < count; p++) tao[p] = r.int() + guessTao(alpha[p]!, guess.get(netuids[p]!));
  return { header, head, state: { nominators, netuids, alpha, tao, trend: new Float64Array(count) } };
}

export class FrameError extends Error {}

function flatNetuids(nominators: readonly NominatorShape[]): Int32Array {
  let count = 0;
  for (const n of nominators) count += n.netuids.length;
  const netuids = new Int32Array(count);
  let p = 0;
  for (const n of nominators) for (const netuid of n.netuids) netuids[p++] = netuid;
  return netuids;
}

interface SafeValues {
  alpha: Float64Array;
  tao: Float64Array;
  /** Each TAO value minus its guess from the price. */
  taoCorrections: Float64Array;
}

/**
 * The values as numbers when every one is an integer from 0 to 2^53 - 1 and every TAO value's correction is exact;
 * else null (an exact frame). A correction that is a safe integer was computed exactly, and so is guess + correction.
 */
function toSafeNumbers(alpha: bigint[], tao: bigint[], netuids: Int32Array, prices: PriceGuess): SafeValues | null {
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  const values: SafeValues = { alpha: new Float64Array(alpha.length), tao: new Float64Array(tao.length), taoCorrections: new Float64Array(tao.length) };
  for (let p = 0; p < alpha.length; p++) {
    const x = alpha[p]!;
    const y = tao[p]!;
    if (x < 0n || x > limit || y < 0n || y > limit) return null;
    const a = Number(x);
    const t = Number(y);
    const correction = t - guessTao(a, prices.get(netuids[p]!));
    if (!Number.isSafeInteger(correction)) return null;
    values.alpha[p] = a;
    values.tao[p] = t;
    values.taoCorrections[p] = correction;
  }
  return values;
}

function writeShapes(w: Writer, nominators: readonly NominatorShape[]): void {
  w.uint(nominators.length);
  for (const n of nominators) writeShape(w, n);
}

function writeShape(w: Writer, n: NominatorShape): void {
  w.uint(n.index);
  w.uint(n.netuids.length);
  for (const netuid of n.netuids) w.uint(netuid);
}

function readShapes(r: Reader): NominatorShape[] {
  return Array.from({ length: r.uint() }, () => readShape(r));
}

function readShape(r: Reader): NominatorShape {
  const index = r.uint();
  return { index, netuids: Array.from({ length: r.uint() }, () => r.uint()) };
}


function sameShape(a: NominatorShape, b: NominatorShape): boolean {
  return a.index === b.index && a.netuids.length === b.netuids.length && a.netuids.every((n, i) => n === b.netuids[i]);
}

/** The edit of the base's nominator list, as runs: keep the base's next n, drop its next n, put these. */
type Run = { op: 'keep' | 'drop'; count: number } | { op: 'put'; items: NominatorShape[] };
const OPS = { keep: 0, drop: 1, put: 2 } as const;
const END = 3;

/** A short edit turning `before` into `now`: both are in the chain's coldkey order, so most of it is one "keep". */
function editOf(now: readonly NominatorShape[], before: readonly NominatorShape[]): Run[] {
  const ahead = new Map<number, number>();
  for (const n of now) ahead.set(n.index, (ahead.get(n.index) ?? 0) + 1);
  const runs: Run[] = [];
  const add = (op: 'keep' | 'drop' | 'put', n?: NominatorShape) => {
    const last = runs.at(-1);
    if (op === 'put') {
      if (last?.op === 'put') last.items.push(n!);
      else runs.push({ op, items: [n!] });
    } else if (last?.op === op) last.count++;
    else runs.push({ op, count: 1 });
  };
  let i = 0;
  let j = 0;
  while (i < now.length || j < before.length) {
    const n = now[i];
    const b = before[j];
    if (n !== undefined && b !== undefined && sameShape(n, b)) {
      add('keep');
      ahead.set(n.index, ahead.get(n.index)! - 1);
      i++;
      j++;
    } else if (b !== undefined && !(ahead.get(b.index)! > 0)) {
      // gone, or already put earlier in the list
      add('drop');
      j++;
    } else {
      add('put', n!);
      ahead.set(n!.index, ahead.get(n!.index)! - 1);
      i++;
    }
  }
  return runs;
}

function writeEdit(w: Writer, runs: readonly Run[]): void {
  for (const run of runs) {
    w.uint(OPS[run.op]);
    if (run.op === 'put') {
      w.uint(run.items.length);
      for (const n of run.items) writeShape(w, n);
    } else w.uint(run.count);
  }
  w.uint(END);
}

function readEdit(r: Reader): Run[] {
  const runs: Run[] = [];
  for (;;) {
    const op = r.uint();
    if (op === END) return runs;
    const count = r.uint();
    if (op === OPS.keep) runs.push({ op: 'keep', count });
    else if (op === OPS.drop) runs.push({ op: 'drop', count });
    else if (op === OPS.put) runs.push({ op: 'put', items: Array.from({ length: count }, () => readShape(r)) });
    else throw new FrameError(`${r.file}: unknown nominator edit ${op}`);
  }
}

/**
 * Applies an edit to the base: the new nominator list, each of its positions' netuid, and the base position it
 * continues (-1 for a position the base did not have). A nominator put anew is looked up by coldkey and netuid.
 */
function applyEdit(runs: readonly Run[], base: FrameState, file: string): { nominators: NominatorShape[]; from: Int32Array; netuids: Int32Array } {
  const before = base.nominators;
  let capacity = base.netuids.length;
  for (const run of runs) if (run.op === 'put') for (const n of run.items) capacity += n.netuids.length;
  const from = new Int32Array(capacity);
  const netuids = new Int32Array(capacity);
  const nominators: NominatorShape[] = [];
  let p = 0;
  let j = 0;
  let q = 0;
  // For nominators put anew: where each coldkey's positions start in the base (by dictionary index), built once.
  let startOf: Int32Array | null = null;
  let shapeOf: NominatorShape[] | null = null;
  for (const run of runs) {
    if (run.op === 'put') {
      if (!startOf) {
        let top = 0;
        for (const b of before) top = Math.max(top, b.index);
        startOf = new Int32Array(top + 1).fill(-1);
        shapeOf = new Array<NominatorShape>(top + 1);
        let at = 0;
        for (const b of before) {
          startOf[b.index] = at;
          shapeOf[b.index] = b;
          at += b.netuids.length;
        }
      }
      for (const n of run.items) {
        const start = n.index < startOf.length ? startOf[n.index]! : -1;
        for (const netuid of n.netuids) {
          const k = start < 0 ? -1 : shapeOf![n.index]!.netuids.indexOf(netuid);
          from[p] = k < 0 ? -1 : start + k;
          netuids[p++] = netuid;
        }
        nominators.push(n);
      }
      continue;
    }
    if (j + run.count > before.length) throw new FrameError(`${file}: the nominator edit runs past the record it edits`);
    const first = q;
    for (let k = 0; k < run.count; k++, j++) {
      const b = before[j]!;
      if (run.op === 'keep') nominators.push(b);
      q += b.netuids.length;
    }
    if (run.op === 'keep') {
      // Kept nominators' positions follow on in the base: copied as a block.
      netuids.set(base.netuids.subarray(first, q), p);
      for (let at = first; at < q; at++) from[p++] = at;
    }
  }
  return { nominators, from: from.subarray(0, p), netuids: netuids.subarray(0, p) };
}

function predict(guess: { guess: number; ratio: number } | undefined, alpha: number, trend: number): number {
  if (guess === undefined || guess.guess === SAME) return alpha;
  if (guess.guess === TREND) return alpha + trend;
  return Math.floor(alpha * guess.ratio);
}

/** Picks each subnet's best guess for the positions that continue the base, by the bytes their corrections take. */
function chooseGuesses(netuids: Int32Array, alpha: Float64Array, from: Int32Array, base: { alpha: Float64Array; trend: Float64Array }): Map<number, { guess: number; ratio: number }> {
  // The subnet's growth factor, as the median of its positions' own: one nominator who staked more must not skew it.
  const ratios = new Map<number, number[]>();
  for (let p = 0; p < alpha.length; p++) {
    const q = from[p]!;
    if (q < 0) continue;
    const list = ratios.get(netuids[p]!) ?? [];
    if (base.alpha[q]! >= RATIO_FROM) list.push(alpha[p]! / base.alpha[q]!);
    ratios.set(netuids[p]!, list);
  }
  const options = new Map<number, Array<{ guess: number; ratio: number; cost: number }>>();
  for (const [netuid, list] of ratios) {
    const choices = [
      { guess: SAME, ratio: 0, cost: 0 },
      { guess: TREND, ratio: 0, cost: 0 },
    ];
    if (list.length > 0) choices.push({ guess: RATIO, ratio: Float64Array.from(list).sort()[list.length >> 1]!, cost: 0 });
    options.set(netuid, choices);
  }
  for (let p = 0; p < alpha.length; p++) {
    const q = from[p]!;
    if (q < 0) continue;
    for (const option of options.get(netuids[p]!)!) {
      if (!Number.isFinite(option.cost)) continue;
      const correction = alpha[p]! - predict(option, base.alpha[q]!, base.trend[q]!);
      option.cost = Number.isSafeInteger(correction) ? option.cost + intLength(correction) : Infinity;
    }
  }
  const table = new Map<number, { guess: number; ratio: number }>();
  for (const [netuid, list] of options) {
    const best = list.reduce((a, b) => (b.cost < a.cost ? b : a));
    table.set(netuid, { guess: best.guess, ratio: best.ratio });
  }
  return table;
}

function writeValues(w: Writer, netuids: Int32Array, small: SafeValues, from: Int32Array, base: FrameState): Float64Array {
  const before = { alpha: base.alpha as Float64Array, trend: base.trend! };
  const table = chooseGuesses(netuids, small.alpha, from, before);
  w.uint(table.size);
  for (const [netuid, g] of table) {
    w.uint(netuid);
    w.uint(g.guess);
    if (g.guess === RATIO) w.f64(g.ratio);
  }
  const trend = new Float64Array(small.alpha.length);
  for (let p = 0; p < small.alpha.length; p++) {
    const q = from[p]!;
    const a = small.alpha[p]!;
    w.int(q < 0 ? a : a - predict(table.get(netuids[p]!), before.alpha[q]!, before.trend[q]!));
    trend[p] = q < 0 ? 0 : a - before.alpha[q]!;
  }
  for (const v of small.taoCorrections) w.int(v);
  return trend;
}

function readValues(r: Reader, netuids: Int32Array, from: Int32Array, base: FrameState, prices: PriceGuess): { alpha: Float64Array; tao: Float64Array; trend: Float64Array } {
  const before = { alpha: base.alpha as Float64Array, trend: base.trend! };
  // Looked up per position: dense arrays by netuid rather than maps.
  let top = 0;
  for (const netuid of netuids) top = Math.max(top, netuid);
  const guessOf = new Uint8Array(top + 1);
  const ratioOf = new Float64Array(top + 1);
  for (let k = r.uint(); k > 0; k--) {
    const netuid = r.uint();
    const guess = r.uint();
    if (guess !== SAME && guess !== TREND && guess !== RATIO) throw new FrameError(`${r.file}: unknown guess ${guess}`);
    const ratio = guess === RATIO ? r.f64() : 0;
    if (netuid <= top) {
      guessOf[netuid] = guess;
      ratioOf[netuid] = ratio;
    }
  }
  const priceOf = new Float64Array(top + 1).fill(NaN);
  for (const [netuid, price] of prices) if (netuid <= top) priceOf[netuid] = price;
  const count = netuids.length;
  const alpha = new Float64Array(count);
  const trend = new Float64Array(count);
  const corrections = r.ints(count);
  for (let p = 0; p < count; p++) {
    const q = from[p]!;
    const correction = corrections[p]!;
    if (q < 0) {
      alpha[p] = correction;
      continue;
    }
    const was = before.alpha[q]!;
    const netuid = netuids[p]!;
    const guess = guessOf[netuid]!;
    const a = (guess === SAME ? was : guess === TREND ? was + before.trend[q]! : Math.floor(was * ratioOf[netuid]!)) + correction;
    alpha[p] = a;
    trend[p] = a - was;
  }
  const tao = r.ints(count);
  for (let p = 0; p < count; p++) {
    const price = priceOf[netuids[p]!]!;
    if (!Number.isNaN(price)) tao[p]! += Math.floor(alpha[p]! * price);
  }
  return { alpha, tao, trend };
}

/** Bytes `Writer.int` takes for `v`. */
function intLength(v: number): number {
  let magnitude = Math.floor(Math.abs(v) / 64);
  let bytes = 1;
  while (magnitude > 0) {
    bytes++;
    magnitude = Math.floor(magnitude / 128);
  }
  return bytes;
}

/** A growing byte buffer with LEB128 varints: `uint` for counts, `int` (sign and magnitude) for corrections. */
class Writer {
  private buf = Buffer.allocUnsafe(1 << 16);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  uint(v: number): void {
    this.room(10);
    while (v >= 128) {
      this.buf[this.at++] = (v % 128) | 128;
      v = Math.floor(v / 128);
    }
    this.buf[this.at++] = v;
  }

  /** Sign in bit 0 and the magnitude's low 6 bits in the first byte: exact for any integer below 2^53. */
  int(v: number): void {
    this.room(10);
    const magnitude = Math.abs(v);
    const rest = Math.floor(magnitude / 64);
    this.buf[this.at++] = (v < 0 ? 1 : 0) | ((magnitude % 64) << 1) | (rest > 0 ? 128 : 0);
    if (rest > 0) this.uint(rest);
  }

  big(v: bigint): void {
    const negative = v < 0n;
    let magnitude = negative ? -v : v;
    this.uint(negative ? 1 : 0);
    do {
      this.room(1);
      const low = Number(magnitude & 127n);
      magnitude >>= 7n;
      this.buf[this.at++] = low | (magnitude > 0n ? 128 : 0);
    } while (magnitude > 0n);
  }

  f64(v: number): void {
    this.room(8);
    this.buf.writeDoubleLE(v, this.at);
    this.at += 8;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.at);
  }
}

class Reader {
  constructor(
    private readonly buf: Uint8Array,
    public at: number,
    readonly file: string,
  ) {}

  private byte(): number {
    if (this.at >= this.buf.length) throw new FrameError(`${this.file} ends early`);
    return this.buf[this.at++]!;
  }

  uint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const b = this.byte();
      value += (b & 127) * scale;
      if (b < 128) return value;
      scale *= 128;
      if (scale > 2 ** 56) throw new FrameError(`${this.file}: a number is too long`);
    }
  }

  int(): number {
    const first = this.byte();
    const magnitude = ((first >> 1) & 63) + (first & 128 ? this.uint() * 64 : 0);
    return first & 1 ? -magnitude : magnitude;
  }

  /** `count` values written by `Writer.int`, decoded in one loop (a record holds two columns of ~8,000). */
  ints(count: number): Float64Array {
    const out = new Float64Array(count);
    const buf = this.buf;
    let at = this.at;
    for (let k = 0; k < count; k++) {
      const first = buf[at++]!;
      let magnitude = (first >> 1) & 63;
      if (first & 128) {
        let scale = 64;
        for (;;) {
          const b = buf[at++]!;
          magnitude += (b & 127) * scale;
          if (b < 128) break;
          scale *= 128;
          if (scale > 2 ** 56) throw new FrameError(`${this.file}: a number is too long`);
        }
      }
      out[k] = first & 1 ? -magnitude : magnitude;
    }
    // Reading past the end yields undefined bytes; the count of bytes used tells.
    if (at > buf.length) throw new FrameError(`${this.file} ends early`);
    this.at = at;
    return out;
  }

  big(): bigint {
    const negative = this.uint() === 1;
    let value = 0n;
    let shift = 0n;
    for (;;) {
      const b = this.byte();
      value |= BigInt(b & 127) << shift;
      if (b < 128) break;
      shift += 7n;
    }
    return negative ? -value : value;
  }

  f64(): number {
    if (this.at + 8 > this.buf.length) throw new FrameError(`${this.file} ends early`);
    const v = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.at, 8).readDoubleLE(0);
    this.at += 8;
    return v;
  }

  text(length: number): string {
    if (this.at + length > this.buf.length) throw new FrameError(`${this.file} ends early`);
    const s = Buffer.from(this.buf.buffer, this.buf.byteOffset + this.at, length).toString('utf8');
    this.at += length;
    return s;
  }
}
