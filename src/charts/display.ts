import { RAO_PER_TAO, type Rao } from '../domain/types.js';

/**
 * RAO -> TAO for plotting only: exact bigint -> decimal string -> number, so the only rounding is the
 * last step into a chart coordinate. Amounts are never computed from the result.
 */
export function taoForChart(rao: Rao): number {
  const sign = rao < 0n ? '-' : '';
  const abs = rao < 0n ? -rao : rao;
  const whole = abs / RAO_PER_TAO;
  const fraction = (abs % RAO_PER_TAO).toString().padStart(9, '0');
  return Number(`${sign}${whole}.${fraction}`);
}

/** A share in parts per billion as a percentage number, for plotting. */
export function ppbToPercent(ppb: bigint): number {
  return taoForChart(ppb * 100n);
}
