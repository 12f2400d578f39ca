import type { Explorer } from '../domain/explorer.js';
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

/** Who a statement is about: the validator's hotkey and, where its owner set one, the on-chain identity name. */
export interface ValidatorName {
  hotkey: string;
  name: string | null;
}

export interface StatementContext {
  validator: ValidatorName | null;
  /** The public explorer chosen in Settings, or null (none chosen, or a local node no explorer knows). */
  explorer: Explorer | null;
  generatedAt: Date;
}

function link(url: string | null, text: string): string {
  return url ? `<a href="${escapeHtml(url)}">${text}</a>` : text;
}

/** What arrived, asset by asset, when it is not simply the TAO that was sent. */
function deliveredText(s: Statement): string | null {
  if (s.assets.length === 1 && s.assets[0]!.asset === 'TAO' && s.delivered === s.amount) return null;
  const parts = s.assets.map((a) => (a.asset === 'TAO' ? tao(a.amount) : `${formatScaled9(a.amount)} ${a.asset} alpha (worth ${tao(a.tao)})`));
  const short = s.delivered < s.amount ? `; ${tao(s.amount - s.delivered)} short, carried into the next plan` : '';
  return `${escapeHtml(parts.join(' + ') || '–')}${escapeHtml(short)}`;
}

/** One user's statement for one paid period, as a page that prints on one sheet and a nominator can check. */
export function statementPage(s: Statement, context: StatementContext): string {
  const { explorer, validator } = context;
  const hash = s.extrinsicHash ? `<code>${escapeHtml(s.extrinsicHash)}</code>` : '–';
  const taxTo = s.taxTo ? ` to ${escapeHtml(s.taxTo.name)} (${escapeHtml(formatTaxPercent(s.taxTo.taxPpm))} % of the base share)` : '';
  const taxFrom = s.taxFrom.length
    ? `<br>from ${s.taxFrom.map((f) => `${escapeHtml(f.name)} ${escapeHtml(tao(f.amount))} (${escapeHtml(formatTaxPercent(f.taxPpm))} %)`).join(', ')}`
    : '';
  const m = s.money;
  const arrived = deliveredText(s);
  const rows = [
    ...(validator
      ? [row('Validator', `${validator.name ? `${escapeHtml(validator.name)}<br>` : ''}${link(explorer?.account(validator.hotkey) ?? null, `<code>${escapeHtml(validator.hotkey)}</code>`)}`)]
      : []),
    row('Period', `snapshots of blocks ${s.fromBlock}–${s.toBlock}`),
    row('Plan', escapeHtml(s.planId)),
    row('Pool (take accrued in the period)', escapeHtml(tao(m.pool))),
    row('Allocated to registered users', escapeHtml(tao(m.allocated))),
    row('Kept by the validator owner', `${escapeHtml(tao(m.keptByOwner))} (the share of nominators who are not registered users)`),
    row('Stake share (base %)', escapeHtml(formatPercentPpb(s.basePpb))),
    row('Referral tax paid', `${escapeHtml(tao(s.taxPaid))}${taxTo}`),
    row('Referral tax received', `${escapeHtml(tao(s.taxReceived))}${taxFrom}`),
    row('Share of the pool (earned ÷ pool)', escapeHtml(formatPercentPpb(s.sharePpb))),
    row('Earned this period', escapeHtml(tao(s.earned))),
    ...(s.carriedIn > 0n ? [row('Carried from the previous plan', escapeHtml(tao(s.carriedIn)))] : []),
    row('Amount paid', `<span class="amount-tao">${escapeHtml(tao(s.amount))}</span>`, 'amount'),
    ...(arrived ? [row('Arrived (the chain’s events)', arrived)] : []),
    ...(s.usdCents !== null && s.usdPrice !== null
      ? [row('Value when paid', `${escapeHtml(formatCents(s.usdCents))} USD (at ${escapeHtml(formatScaled9(s.usdPrice).replace(/0+$/, '').replace(/\.$/, ''))} USD per TAO)`)]
      : []),
    row('Paid to', link(explorer?.account(s.address) ?? null, `<code>${escapeHtml(s.address)}</code>`)),
    row('Date', `${escapeHtml(utcStamp(s.paidAt))}${s.paidAtExact ? '' : ' (estimated from the snapshots around the block)'}`),
    row('Block', s.blockNumber === null ? '–' : link(explorer?.block(s.blockNumber) ?? null, String(s.blockNumber))),
    row('Extrinsic hash', hash),
    ...(s.note ? [row('Note', escapeHtml(s.note))] : []),
  ];
  const checkOn = explorer ? ` Check every figure on ${escapeHtml(explorer.name)}: the block, the extrinsic in it and both accounts.` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Payout statement: ${escapeHtml(s.user)}, plan ${escapeHtml(s.planId)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>Payout statement for ${escapeHtml(s.user)}</h1>
<p class="sub">Validator referral rewards${validator?.name ? ` from ${escapeHtml(validator.name)}` : ''}, paid ${escapeHtml(utcStamp(s.paidAt).slice(0, 10))}</p>
<table>
${rows.join('\n')}
</table>
<p class="foot">The pool is the validator's take accrued over the period. Stake share: the mean of this user's share of the
nominator stake over the period's snapshots; the share of nominators who are not registered users stays with the
validator owner. Referral tax moves shares between referrer and referee; what a user earned is the pool times the share,
exact to the RAO (1 TAO = 10<sup>9</sup> RAO), as in the Payouts sheet; a carry is what an earlier plan could not pay,
and it is income when it is paid.${checkOn} Referrers and referees as the Referrals sheet read on
${escapeHtml(utcStamp(context.generatedAt))}. Written by ValTrac.</p>
</body>
</html>
`;
}
