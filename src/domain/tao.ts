import { RAO_PER_TAO } from './types.js';

/** RAO as an exact TAO decimal with 9 decimals, e.g. 1500000000n -> "1.500000000". */
export function formatTao(rao: bigint): string {
  return formatScaled9(rao);
}

/** Any value scaled by 10^9 (RAO, parts per billion) as a decimal with exactly 9 decimals. */
export function formatScaled9(value: bigint): string {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? '-' : ''}${abs / RAO_PER_TAO}.${(abs % RAO_PER_TAO).toString().padStart(9, '0')}`;
}

/** Parses a plain decimal with at most 9 decimals into its value scaled by 10^9; null if it is not one. */
export function parseScaled9(text: string): bigint | null {
  const match = /^(-?)(\d+)(?:\.(\d{0,9}))?$/.exec(text.trim());
  if (!match) return null;
  const value = BigInt(match[2]!) * RAO_PER_TAO + BigInt((match[3] ?? '').padEnd(9, '0'));
  return match[1] === '-' ? -value : value;
}

export const parseTao = parseScaled9;
