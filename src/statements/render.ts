import { formatCsv } from '../domain/csv.js';
import { formatCents, formatPercentPpb, type Statement } from '../domain/statement.js';
import { formatTao, formatScaled9 } from '../domain/tao.js';
import { formatTaxPercent } from '../domain/tax.js';

/** Every text that reaches a page goes through this: user names, plan ids, hashes, notes, the network URL. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const tao = (rao: bigint) => `${formatTao(rao)} TAO`;

/** `2026-01-05 14:35:00 UTC`: the date form tax tools read. */
export function utcStamp(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** A block explorer page for the paying block: polkadot.js apps pointed at the program's own node. */
export function explorerLink(nodeUrl: string | null, blockHash: string | null): string | null {
  if (!nodeUrl || !blockHash || !/^0x[0-9a-fA-F]{64}$/.test(blockHash)) return null;
  return `https://polkadot.js.org/apps/?rpc=${encodeURIComponent(nodeUrl)}#/explorer/query/${blockHash}`;
}

const STYLE = `
  body { font-family: 'DejaVu Sans', Arial, sans-serif; color: #111; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-size: 1.4rem; margin-bottom: 0.2rem; }
  .sub { color: #555; margin-top: 0; }
  table { border-collapse: collapse; width: 100%; margin: 1rem 0; }
  th, td { text-align: left; padding: 0.35rem 0.5rem; border-bottom: 1px solid #ddd; vertical-align: top; }
  th { width: 40%; font-weight: normal; color: #444; }
  td.num { font-variant-numeric: tabular-nums; }
  .amount td { font-weight: bold; font-size: 1.1rem; }
  code { font-size: 0.8rem; word-break: break-all; }
  .foot { color: #666; font-size: 0.8rem; }
  @media print { body { margin: 0; max-width: none; } a { color: inherit; text-decoration: none; } .noprint { display: none; } }
`;

function row(label: string, value: string, cls = ''): string {
  return `    <tr${cls ? ` class="${cls}"` : ''}><th>${escapeHtml(label)}</th><td class="num">${value}</td></tr>`;
}

/** One user's statement for one paid period, as a page that prints on one sheet. */
export function statementPage(s: Statement, context: { nodeUrl: string | null; generatedAt: Date }): string {
  const link = explorerLink(context.nodeUrl, s.blockHash);
  const hash = s.extrinsicHash ? `<code>${escapeHtml(s.extrinsicHash)}</code>` : '–';
  const taxTo = s.taxTo ? ` to ${escapeHtml(s.taxTo.name)} (${escapeHtml(formatTaxPercent(s.taxTo.taxPpm))} % of the base share)` : '';
  const taxFrom = s.taxFrom.length
    ? `<br>from ${s.taxFrom.map((f) => `${escapeHtml(f.name)} ${escapeHtml(tao(f.amount))} (${escapeHtml(formatTaxPercent(f.taxPpm))} %)`).join(', ')}`
    : '';
  const rows = [
    row('Period', `snapshots of blocks ${s.fromBlock}–${s.toBlock}`),
    row('Plan', escapeHtml(s.planId)),
    row('Pool shared out', escapeHtml(tao(s.pool))),
    row('Stake share (base %)', escapeHtml(formatPercentPpb(s.basePpb))),
    row('Referral tax paid', `${escapeHtml(tao(s.taxPaid))}${taxTo}`),
    row('Referral tax received', `${escapeHtml(tao(s.taxReceived))}${taxFrom}`),
    row('Final share (amount ÷ pool)', escapeHtml(formatPercentPpb(s.finalPpb))),
    row('Amount paid', `<span class="amount-tao">${escapeHtml(tao(s.amount))}</span>`, 'amount'),
    ...(s.usdCents !== null && s.usdPrice !== null
      ? [row('Value when paid', `${escapeHtml(formatCents(s.usdCents))} USD (at ${escapeHtml(formatScaled9(s.usdPrice).replace(/0+$/, '').replace(/\.$/, ''))} USD per TAO)`)]
      : []),
    row('Paid to', `<code>${escapeHtml(s.address)}</code>`),
    row('Date', `${escapeHtml(utcStamp(s.paidAt))}${s.paidAtExact ? '' : ' (estimated from the snapshots around the block)'}`),
    row('Block', s.blockNumber === null ? '–' : link ? `<a href="${escapeHtml(link)}">${s.blockNumber}</a>` : String(s.blockNumber)),
    row('Extrinsic hash', link ? `<a href="${escapeHtml(link)}">${hash}</a>` : hash),
    ...(s.note ? [row('Note', escapeHtml(s.note))] : []),
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Payout statement: ${escapeHtml(s.user)}, plan ${escapeHtml(s.planId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Payout statement for ${escapeHtml(s.user)}</h1>
<p class="sub">Validator referral rewards, paid ${escapeHtml(utcStamp(s.paidAt).slice(0, 10))}</p>
<table>
${rows.join('\n')}
</table>
<p class="foot">Stake share: the mean of this user's share of the nominator stake over the period's snapshots. Referral tax
moves that share between referrer and referee; the amount is the pool times the final share, exact to the RAO
(1 TAO = 10<sup>9</sup> RAO), as in the Payouts sheet. Referrers and referees as the
Referrals sheet read on ${escapeHtml(utcStamp(context.generatedAt))}. Written by ValTrac.</p>
</body>
</html>
`;
}

/** Koinly's universal layout: the columns its import (and others that read it) expect; unused ones stay empty. */
export const TAX_CSV_HEADER = [
  'Date', 'Sent Amount', 'Sent Currency', 'Received Amount', 'Received Currency', 'Fee Amount', 'Fee Currency',
  'Net Worth Amount', 'Net Worth Currency', 'Label', 'Description', 'TxHash',
] as const;

/** One user's paid rows of one year, one line each: date, TAO received, its USD value when known, the hash. */
export function taxCsv(rows: readonly Statement[]): string {
  return formatCsv([
    [...TAX_CSV_HEADER],
    ...rows.map((s) => [
      utcStamp(s.paidAt),
      '',
      '',
      formatTao(s.amount),
      'TAO',
      '',
      '',
      s.usdCents === null ? '' : formatCents(s.usdCents),
      s.usdCents === null ? '' : 'USD',
      'reward',
      `Validator referral rewards to ${s.user}, plan ${s.planId} (blocks ${s.fromBlock}-${s.toBlock})`,
      s.extrinsicHash ?? '',
    ]),
  ]);
}
