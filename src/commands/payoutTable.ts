import { formatScaled9, formatTao } from '../domain/tao.js';
import type { PayoutRow } from '../domain/types.js';

/** A fixed-width table a person can check by eye: every amount in TAO with all 9 decimals, right-aligned. */
export function payoutTable(rows: readonly PayoutRow[]): string {
  const header = ['User', 'Address', 'Base %', 'Tax paid', 'Tax received', 'Amount (TAO)', 'Status', 'Note'];
  const body = rows.map((r) => [
    r.user,
    r.address,
    percent(r.basePpb),
    formatTao(r.taxPaid),
    formatTao(r.taxReceived),
    formatTao(r.amount),
    r.status,
    r.note,
  ]);
  const numeric = new Set([2, 3, 4, 5]);
  const widths = header.map((h, c) => Math.max(h.length, ...body.map((row) => row[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (numeric.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

/** parts per billion as a percentage with 7 decimals ("27.5000000"). */
function percent(ppb: bigint): string {
  return formatScaled9(ppb * 100n).replace(/\.(\d{7})\d{2}$/, '.$1');
}
