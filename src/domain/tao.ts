import { RAO_PER_TAO, type Rao } from './types.js';

const DECIMALS = 9;

/** RAO as TAO with all 9 decimals ("1.500000000"), from bigint only so a person can check every RAO by eye. */
export function formatTao(rao: Rao): string {
  const sign = rao < 0n ? '-' : '';
  const abs = rao < 0n ? -rao : rao;
  const whole = abs / RAO_PER_TAO;
  const fraction = (abs % RAO_PER_TAO).toString().padStart(DECIMALS, '0');
  return `${sign}${whole}.${fraction}`;
}

/**
 * Parses a non-negative TAO amount written as decimal text ("12", "0.5", "1.000000001") into RAO.
 * Returns null for anything else (more than 9 decimals, exponents, signs, separators) so the caller
 * can name the argument or cell in its message.
 */
export function parseTao(text: string): Rao | null {
  const match = /^(\d+)(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return null;
  const whole = BigInt(match[1]!);
  const fraction = BigInt((match[2] ?? '').padEnd(DECIMALS, '0'));
  return whole * RAO_PER_TAO + fraction;
}
