/** The fraction num / den, den > 0. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

/**
 * A nonnegative rational x given two ways: a cheap enclosure low/den ≤ x ≤ high/den, and its exact value on demand.
 * A floor or a comparison is decided by the enclosure when the enclosure alone settles it, and by the exact value
 * otherwise, so every answer is the exact one. The exact value of a long period's share has hundreds of thousands of
 * digits; it is worked out only for the numbers that need it (an exact whole amount, a tie).
 */
export class Enclosed {
  private exactValue: Fraction | undefined;
  private floorValue: bigint | undefined;
  private fractionalValue: Fraction | undefined;

  constructor(
    private readonly low: bigint,
    private readonly high: bigint,
    private readonly den: bigint,
    private readonly exactly: () => Fraction,
  ) {
    if (den <= 0n || low < 0n || high < low) throw new Error('Enclosed: not an enclosure of a nonnegative number');
  }

  /** num / den, known exactly from the start. */
  static of(num: bigint, den: bigint): Enclosed {
    return new Enclosed(num, num, den, () => ({ num, den }));
  }

  exact(): Fraction {
    this.exactValue ??= this.low === this.high ? { num: this.low, den: this.den } : this.exactly();
    return this.exactValue;
  }

  floor(): bigint {
    if (this.floorValue === undefined) {
      const low = this.low / this.den;
      if (low === this.high / this.den) this.floorValue = low;
      else {
        const { num, den } = this.exact();
        this.floorValue = num / den;
      }
    }
    return this.floorValue;
  }

  /** Sign of (a − floor(a)) − (b − floor(b)): which fractional part is larger. */
  static compareFractionalParts(a: Enclosed, b: Enclosed): number {
    const [aLow, aHigh] = a.fractionalBounds();
    const [bLow, bHigh] = b.fractionalBounds();
    if (aHigh * b.den < bLow * a.den) return -1;
    if (aLow * b.den > bHigh * a.den) return 1;
    const ra = a.exactFractionalPart();
    const rb = b.exactFractionalPart();
    // a period's amounts share one denominator, so the cross products are usually not needed
    const [left, right] = ra.den === rb.den ? [ra.num, rb.num] : [ra.num * rb.den, rb.num * ra.den];
    return left < right ? -1 : left > right ? 1 : 0;
  }

  private exactFractionalPart(): Fraction {
    if (this.fractionalValue === undefined) {
      const { num, den } = this.exact();
      this.fractionalValue = { num: num - this.floor() * den, den };
    }
    return this.fractionalValue;
  }

  /** Numerators over `den` enclosing x − floor(x). */
  private fractionalBounds(): [bigint, bigint] {
    const whole = this.floor() * this.den;
    return [this.low - whole, this.high - whole];
  }
}
