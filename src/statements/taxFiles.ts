import { formatCsv } from '../domain/csv.js';
import { formatCents, usdCents, type Statement } from '../domain/statement.js';
import { formatScaled9, formatTao } from '../domain/tao.js';
import { utcStamp } from './render.js';

/** The tax tools whose import formats a user's yearly file can take. */
export const TAX_FORMATS = ['koinly', 'cointracker'] as const;
export type TaxFormat = (typeof TAX_FORMATS)[number];

/**
 * Koinly's universal template, every column in its order (Koinly reads the simple and universal layouts by these
 * headers; unused columns stay empty). Dates: `YYYY-MM-DD HH:mm:ss UTC` (utcStamp).
 */
export const KOINLY_HEADER = [
  'Date', 'Sent Amount', 'Sent Currency', 'Received Amount', 'Received Currency', 'Fee Amount', 'Fee Currency',
  'Net Worth Amount', 'Net Worth Currency', 'Label', 'Description', 'TxHash',
] as const;

/**
 * CoinTracker's CSV: exactly these eight columns, none added or left out (its import refuses anything else). Dates:
 * `MM/DD/YYYY HH:MM:SS` in UTC. It has no column for a value or a note: the tool prices the asset itself.
 */
export const COINTRACKER_HEADER = ['Date', 'Received Quantity', 'Received Currency', 'Sent Quantity', 'Sent Currency', 'Fee Amount', 'Fee Currency', 'Tag'] as const;

/** Koinly's tag for a reward received (its "Reward / Bonus" income). */
const KOINLY_LABEL = 'reward';
/** CoinTracker's CSV tag for income that is not staking, mining or interest (its "Other income" category). */
const COINTRACKER_TAG = 'income';

/** `01/05/2026 14:35:00` (UTC). */
export function cointrackerDate(date: Date): string {
  const iso = date.toISOString();
  return `${iso.slice(5, 7)}/${iso.slice(8, 10)}/${iso.slice(0, 4)} ${iso.slice(11, 19)}`;
}

function description(s: Statement, asset: Statement['assets'][number]): string {
  const value = asset.asset === 'TAO' ? '' : `, worth ${formatTao(asset.tao)} TAO when paid`;
  const carry = s.carriedIn > 0n ? `, includes ${formatTao(s.carriedIn)} TAO owed from the previous plan` : '';
  return `Validator referral rewards to ${s.user}, plan ${s.planId} (blocks ${s.fromBlock}-${s.toBlock})${value}${carry}`;
}

/**
 * One user's paid rows of one year as the chosen tool imports them: one line per asset delivered (TAO, or a subnet's
 * alpha as `SN1`), the amount that arrived. A carry is counted where it is paid, and a shortfall only once: the row
 * that fell short counts what arrived, and the next plan's row counts the rest when it pays it.
 */
export function taxCsv(rows: readonly Statement[], format: TaxFormat = 'koinly'): string {
  const lines = rows.flatMap((s) => s.assets.map((asset) => ({ s, asset })));
  if (format === 'cointracker') {
    return formatCsv([
      [...COINTRACKER_HEADER],
      ...lines.map(({ s, asset }) => [cointrackerDate(s.paidAt), formatScaled9(asset.amount), asset.asset, '', '', '', '', COINTRACKER_TAG]),
    ]);
  }
  return formatCsv([
    [...KOINLY_HEADER],
    ...lines.map(({ s, asset }) => {
      const cents = s.usdPrice === null ? null : usdCents(asset.tao, s.usdPrice);
      return [
        utcStamp(s.paidAt),
        '',
        '',
        formatScaled9(asset.amount),
        asset.asset,
        '',
        '',
        cents === null ? '' : formatCents(cents),
        cents === null ? '' : 'USD',
        KOINLY_LABEL,
        description(s, asset),
        s.extrinsicHash ?? '',
      ];
    }),
  ]);
}
