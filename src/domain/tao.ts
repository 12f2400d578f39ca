import { RAO_PER_TAO, type Rao } from './types.js';

const DECIMALS = 9;

/** RAO as an exact TAO decimal with 9 decimals, e.g. 1500000000n -> "1.500000000". */
export function formatTao(rao: Rao): string {
  return formatScaled9(rao);
}

/** Any value scaled by 10^9 (RAO, parts per billion) as a decimal with exactly 9 decimals. */
export function formatScaled9(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / RAO_PER_TAO}.${(abs % RAO_PER_TAO).toString().padStart(DECIMALS, '0')}`;
}

/** Parses a plain decimal with at most 9 decimals into its value scaled by 10^9; null if it is not one. */
export function parseScaled9(text: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{0,9}))?$/.exec(text.trim());
  if (!match) return null;
  const value = BigInt(match[2]!) * RAO_PER_TAO + BigInt((match[3] ?? '').padEnd(DECIMALS, '0'));
  return match[1] === '-' ? -value : value;
}

/**
 * Parses a non-negative TAO amount written as decimal text ("12", "0.5", "1.000000001") into RAO.
 * Returns null for anything else (more than 9 decimals, exponents, signs, separators) so the caller
 * can name the argument or cell in its message.
 */
export function parseTao(text: string): Rao | null {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return null;
  return BigInt(match[1]!) * RAO_PER_TAO + BigInt((match[2] ?? '').padEnd(DECIMALS, '0'));
}
