import { PPM } from './types.js';

/**
 * A referral tax as found in a cell or typed on the command line.
 * - a plain number is percent points: 15 means 15 %;
 * - a number in a cell formatted as a percentage is a fraction: 0.15 shown as "15%" means 15 %;
 * - text "15" or "15%" or "15 %" means 15 %.
 * A plain number strictly between 0 and 1 (no percent sign, no percent format) is refused as ambiguous: 0.15 is 0.15 %
 * by the rule above, but a person who types it usually means 15 %, and the two differ a hundredfold.
 * At most 4 decimals of a percent (1 ppm) are kept exactly; more precision is refused, not rounded.
 */
export type TaxInput =
  | { kind: 'number'; value: number; percentFormat: boolean }
  | { kind: 'text'; text: string };

export type TaxParse = { ok: true; ppm: bigint } | { ok: false; message: string; fix: string };

const FIX = 'Type the tax as a percentage between 0 and 100, e.g. 15 or 15%.';
/** ppm per percent point. */
const PPM_PER_PERCENT = PPM / 100n;

/** A decimal strictly between 0 and 1, as `plainDecimal` or a person writes it: 0.15, .15, +0.150. */
const BELOW_ONE = /^\+?0*\.0*[1-9]\d*$/;

/** Both readings of a plain `shown` below 1 that is `points` ppm as percent points, and how to write each. */
function ambiguous(shown: string, points: bigint): TaxParse {
  const asPoints = formatTaxPercent(points);
  const asFraction = formatTaxPercent(points * 100n);
  return {
    ok: false,
    message: `The tax ${shown} could mean ${asFraction}% or ${asPoints}% (a hundred times less), so ValTrac does not guess.`,
    fix: `For ${asFraction}% type ${asFraction} or ${asFraction}%; for ${asPoints}% type ${asPoints}%.`,
  };
}

/** Parses a plain decimal (no exponent) into an integer scaled by 10^scale, or null when more digits are needed. */
function decimalToScaled(text: string, scale: number): bigint | null {
  const match = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match || (match[2] === '' && (match[3] ?? '') === '')) return null;
  const fraction = (match[3] ?? '').replace(/0+$/, '');
  if (fraction.length > scale) return null;
  const digits = BigInt((match[2] || '0') + fraction.padEnd(scale, '0'));
  return match[1] === '-' ? -digits : digits;
}

/** The shortest decimal that reads back as `value` (JavaScript's own), without exponent notation. */
function plainDecimal(value: number): string {
  const text = String(Object.is(value, -0) ? 0 : value);
  if (!/e/i.test(text)) return text;
  return value.toFixed(20).replace(/\.?0+$/, '');
}

export function parseTax(input: TaxInput): TaxParse {
  // Percent points with 4 decimals scaled by 10^4 are exactly ppm; a fraction needs 10^6.
  let ppm: bigint | null;
  let shown: string;
  if (input.kind === 'number') {
    if (!Number.isFinite(input.value)) return { ok: false, message: 'The tax is not a finite number.', fix: FIX };
    const text = plainDecimal(input.value);
    // A percent-formatted cell holds the fraction: 0.15 is 15 %, so scale two digits further.
    ppm = decimalToScaled(text, input.percentFormat ? 6 : 4);
    shown = input.percentFormat ? `${text} (shown as a percentage)` : text;
    if (ppm === null) {
      return { ok: false, message: `The tax ${shown} has more than 4 decimals of a percent.`, fix: 'Round the tax to at most 4 decimals, e.g. 12.3456.' };
    }
    return !input.percentFormat && BELOW_ONE.test(text) ? ambiguous(text, ppm) : { ok: true, ppm };
  }
  const text = input.text.trim();
  const match = /^([^%\s]*)\s*(%?)$/.exec(text);
  if (text === '' || !match) {
    return { ok: false, message: text === '' ? 'The tax is empty.' : `The tax "${input.text}" is not a number.`, fix: FIX };
  }
  // A decimal comma (text typed in a comma locale) is read only to name the mistake, never as a thousands separator.
  const comma = /^[+-]?\d*,\d+$/.test(match[1]!);
  const decimal = comma ? match[1]!.replace(',', '.') : match[1]!;
  ppm = decimalToScaled(decimal, 4);
  if (ppm === null) {
    const numeric = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(decimal);
    return numeric
      ? { ok: false, message: `The tax "${input.text}" has more than 4 decimals of a percent.`, fix: 'Round the tax to at most 4 decimals, e.g. 12.3456.' }
      : { ok: false, message: `The tax "${input.text}" is not a number.`, fix: FIX };
  }
  if (match[2] === '' && BELOW_ONE.test(decimal)) return ambiguous(`"${input.text}"`, ppm);
  if (comma) return { ok: false, message: `The tax "${input.text}" has a decimal comma.`, fix: `Type it with a decimal point: ${decimal}${match[2]}.` };
  return { ok: true, ppm };
}

/**
 * The cell ValTrac writes for a tax, which `parseTax` reads back exactly: percent points as a plain number, except below
 * 1 % where a plain number would be ambiguous, so the fraction in a percent format (0.0015 shown as "0.15%").
 */
export function taxCell(ppm: bigint): { value: number; percentFormat: boolean } {
  if (ppm > 0n && ppm < PPM_PER_PERCENT) return { value: Number(`0.${ppm.toString().padStart(6, '0')}`), percentFormat: true };
  return { value: Number(formatTaxPercent(ppm)), percentFormat: false };
}

/** Whether a tax in ppm lies in [0 %, 100 %]. */
export function taxInRange(ppm: bigint): boolean {
  return ppm >= 0n && ppm <= PPM;
}

/** ppm as percent points in plain decimal, e.g. 150000n -> "15", 123456n -> "12.3456". */
export function formatTaxPercent(ppm: bigint): string {
  const negative = ppm < 0n;
  const abs = negative ? -ppm : ppm;
  const whole = abs / PPM_PER_PERCENT;
  const fraction = (abs % PPM_PER_PERCENT).toString().padStart(4, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}
