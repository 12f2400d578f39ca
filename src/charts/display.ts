import { formatTao } from '../domain/tao.js';

/**
 * RAO -> TAO for plotting only: exact bigint -> decimal string -> number, so the only rounding is the
 * last step into a chart coordinate. Amounts are never computed from the result.
 */
export function taoForChart(rao: bigint): number {
  return Number(formatTao(rao));
}

/** A share in parts per billion as a percentage number, for plotting (ppb * 100 has the same 9 decimals as RAO). */
export function ppbToPercent(ppb: bigint): number {
  return taoForChart(ppb * 100n);
}
