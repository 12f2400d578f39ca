import { formatScaled9, parseScaled9 } from '../domain/tao.js';
import type * as Xlsx from './xlsx.js';

/** A cell's content as the text a person sees/typed. Formulas keep their "=" so injection is visible. Not trimmed. */
export function cellText(cell: Xlsx.Cell): string {
  const value = cell.value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    if ('richText' in value && value.richText) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) {
      const formula = 'formula' in value ? value.formula : (value as { sharedFormula: string }).sharedFormula;
      return `=${formula}`;
    }
    if ('text' in value) return String((value as { text: unknown }).text);
    if ('error' in value) return String(value.error);
  }
  return String(value);
}

/**
 * The date a cell shows (yyyy-mm-dd) when a person typed a date in it: the xlsx library gives a Date for the formats it knows,
 * and a bare day number (days since 1899-12-30) for other date formats, such as some an editor writes. Null otherwise.
 */
export function cellDate(cell: Xlsx.Cell): string | null {
  const value = cell.value;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  // A date format has a day, month or year code outside quoted text and [..] sections; a percent format is no date.
  const format = numFmtOf(cell).replace(/"[^"]*"|\[[^\]]*\]/g, '');
  if (format.includes('%') || !/[dy]|m{3,}|(^|[^h:])m+([^:s]|$)/i.test(format)) return null;
  return new Date(Math.round((value - 25569) * 86_400_000)).toISOString().slice(0, 10);
}

export function isPercentFormat(cell: Xlsx.Cell): boolean {
  return numFmtOf(cell).includes('%');
}

/** The cell's number format code ('' for none): the library gives a built-in format as its id and code. */
export function numFmtOf(cell: Xlsx.Cell): string {
  const format = cell.numFmt;
  return typeof format === 'string' ? format : (format?.formatCode ?? '');
}

/** The plain decimal JavaScript reads back as `value` (shortest round trip), never in exponent notation. */
export function plainDecimal(value: number): string {
  const text = String(Object.is(value, -0) ? 0 : value);
  return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}

function canonicalDecimal(text: string): string {
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
  return trimmed === '-0' ? '0' : trimmed;
}

/**
 * Writes a value scaled by 10^9 (RAO, ppb) exactly. The cell holds a number only when that number's shortest decimal is
 * exactly the value (so the file's XML carries the exact digits and any reader gets them back); otherwise it holds the
 * exact decimal as text. No arithmetic is ever done on the float.
 */
export function writeScaled9(cell: Xlsx.Cell, value: bigint): void {
  const exact = formatScaled9(value);
  const asNumber = Number(exact);
  cell.value = canonicalDecimal(plainDecimal(asNumber)) === canonicalDecimal(exact) ? asNumber : exact;
}

/** Reads what writeScaled9 wrote (or a person typed) back to the exact scaled value; null when it is not such a decimal. */
export function readScaled9(cell: Xlsx.Cell): bigint | null {
  const value = cell.value;
  if (typeof value === 'number') return parseScaled9(plainDecimal(value));
  if (typeof value === 'string') return parseScaled9(value);
  return null;
}

export function readInteger(cell: Xlsx.Cell): number | null {
  const value = cell.value;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : null;
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : null;
  }
  return null;
}

/** Assigns a style property without mutating a style object the xlsx library may share between cells. */
export function setCellStyle(cell: Xlsx.Cell, style: Partial<Xlsx.Style>): void {
  cell.style = { ...cell.style, ...style };
}
