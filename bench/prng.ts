/**
 * A small seeded generator (SplitMix64 on bigint state) so the bench builds the same validator, users and year of
 * snapshots on every machine: a measured difference is then a code difference, never a data difference.
 */
const MASK64 = (1n << 64n) - 1n;

export class Prng {
  private state: bigint;

  constructor(seed: number | bigint) {
    this.state = BigInt(seed) & MASK64;
  }

  /** 64 random bits. */
  next64(): bigint {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & MASK64;
    let z = this.state;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
    return z ^ (z >> 31n);
  }

  /** An integer in [0, n) for n below 2^32 (the modulo bias at 64 bits is far below anything measured here). */
  int(n: number): number {
    return Number(this.next64() % BigInt(n));
  }

  /** An integer in [lo, hi]. */
  between(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  /** A bigint in [lo, hi]. */
  bigBetween(lo: bigint, hi: bigint): bigint {
    return lo + (this.next64() % (hi - lo + 1n));
  }

  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 8) {
      let word = this.next64();
      for (let j = i; j < Math.min(n, i + 8); j++) {
        out[j] = Number(word & 0xffn);
        word >>= 8n;
      }
    }
    return out;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}
