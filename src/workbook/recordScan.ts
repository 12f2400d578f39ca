/**
 * Reads a snapshot record's `nominators` array straight from the JSON bytes, keeping only the entries asked for.
 * `plan` averages 2,000 registered coldkeys out of 5,000 nominators over 168 records; JSON.parse builds every entry of
 * every record (about 10 ms each) only for most to be dropped. The record is written by ValTrac as
 * `{...,"nominators":[[index,[[netuid,"alpha"],[netuid,"alpha","tao"]]],...]}` with nothing after the array, and any
 * other shape makes this return null so the caller parses the whole document instead.
 */
export type ScannedEntry = [number, string] | [number, string, string];

const KEY = Buffer.from(',"nominators":[');
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c;
const QUOTE = 0x22;
const BRACE = 0x7d; // }

class Shape extends Error {}

export interface ScannedRecord {
  /** The document without its nominators (parse it with JSON.parse and add them). */
  head: string;
  nominators: Array<[number, ScannedEntry[]]>;
}

export function scanRecord(json: Buffer, keep: (index: number) => boolean): ScannedRecord | null {
  const at = json.lastIndexOf(KEY);
  if (at < 0) return null;
  try {
    const nominators: Array<[number, ScannedEntry[]]> = [];
    let p = at + KEY.length;
    const expect = (byte: number) => {
      if (json[p] !== byte) throw new Shape();
      p++;
    };
    const integer = (): number => {
      const start = p;
      let value = 0;
      while (json[p]! >= 0x30 && json[p]! <= 0x39) value = value * 10 + json[p++]! - 0x30;
      if (p === start || p - start > 9) throw new Shape();
      return value;
    };
    const digits = (): string => {
      expect(QUOTE);
      const start = p;
      while (json[p]! >= 0x30 && json[p]! <= 0x39) p++;
      if (p === start) throw new Shape();
      const text = json.toString('latin1', start, p);
      expect(QUOTE);
      return text;
    };
    if (json[p] === CLOSE) p++;
    else {
      for (;;) {
        expect(OPEN);
        const index = integer();
        expect(COMMA);
        if (keep(index)) {
          const entries: ScannedEntry[] = [];
          expect(OPEN);
          if (json[p] !== CLOSE) {
            for (;;) {
              expect(OPEN);
              const netuid = integer();
              expect(COMMA);
              const alpha = digits();
              if (json[p] === COMMA) {
                p++;
                entries.push([netuid, alpha, digits()]);
              } else entries.push([netuid, alpha]);
              expect(CLOSE);
              if (json[p] !== COMMA) break;
              p++;
            }
          }
          expect(CLOSE);
          nominators.push([index, entries]);
        } else {
          // Skip the entry: only digits, quotes and commas sit between its brackets.
          let depth = 0;
          for (; p < json.length; p++) {
            if (json[p] === OPEN) depth++;
            else if (json[p] === CLOSE && --depth < 0) break;
          }
        }
        expect(CLOSE);
        if (json[p] !== COMMA) break;
        p++;
      }
      expect(CLOSE);
    }
    expect(BRACE);
    if (p !== json.length) throw new Shape();
    return { head: `${json.toString('utf8', 0, at)}}`, nominators };
  } catch (error) {
    if (error instanceof Shape) return null;
    throw error;
  }
}
