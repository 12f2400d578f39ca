import type { PlanMoney } from './money.js';
import type { PayoutSummary, UserStats, ValidatorStats } from './stats.js';
import { MIN_ANNUALISED_TEXT } from './returns.js';
import { formatTao } from './tao.js';
import { formatTaxPercent } from './tax.js';

/** ppb as a percentage with 4 decimals, rounded down: 906542056n -> "90.6542%". */
export function formatPpb(ppb: bigint | null): string {
  if (ppb === null) return '–';
  const units = ppb / 1000n;
  return `${units / 10_000n}.${(units % 10_000n).toString().padStart(4, '0')}%`;
}

function formatApr(apr: number | null, estimated: boolean): string {
  if (apr !== null) return `${(apr * 100).toFixed(2)}% a year`;
  return estimated ? `not enough history yet (a return is annualised over at least ${MIN_ANNUALISED_TEXT})` : '–';
}

const tao = (rao: bigint | null | undefined) => (rao === null || rao === undefined ? '–' : `${formatTao(rao)} TAO`);

function table(rows: [string, string][]): string {
  const width = Math.max(...rows.map(([k]) => k.length));
  return rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n');
}

function describePlan(p: PayoutSummary): string {
  return `${p.planId}: blocks ${p.fromBlock}–${p.toBlock}, ${p.status}, ${tao(p.total)} to ${p.users} users` +
    (p.blockNumber === null ? '' : ` in block ${p.blockNumber}`);
}

/** A paid plan's money in the words the statements use. */
export function describeMoney(m: PlanMoney): string {
  const carried = m.carriedOut > 0n ? `, ${tao(m.carriedOut)} carried to the next plan` : '';
  return `pool ${tao(m.pool)}; allocated to registered users ${tao(m.allocated)}; paid ${tao(m.paid)}${carried}; kept by the owner ${tao(m.keptByOwner)}`;
}

export function validatorReport(v: ValidatorStats): string {
  const n = v.newest;
  const last = v.lastPayout;
  const lines: [string, string][] = [
    ['Newest snapshot', n ? `block ${n.block} at ${n.time.toISOString()}` : 'none yet (start logging: valtrac snapshot)'],
    ['Total stake', tao(n?.totalStake)],
    ['Nominator stake', tao(n?.nominatorStake)],
    ...(n?.escrowStake !== undefined ? ([['Basket escrow (not a nominator)', tao(n.escrowStake)]] as [string, string][]) : []),
    ['Owner stake on the hotkey', n ? `${tao(n.delegateStake)} (the take accrues here; each period's pool is what it gained)` : '–'],
    ['Take', v.takePpm === null ? '– (no snapshot record)' : `${formatTaxPercent(v.takePpm)}%`],
    ['Nominators', n ? String(n.nominators) : '–'],
    ['Registered users', String(v.registeredUsers)],
    ['Users’ stake', n ? `${tao(v.usersStake)} (${formatPpb(v.usersSharePpb)} of nominator stake)` : '–'],
    [
      'Pool accrued since last payout',
      v.period
        ? `${tao(v.period.poolAccrued)} (blocks ${v.period.startBlock}–${v.period.endBlock}, ${v.period.snapshots.length} snapshots)`
        : (v.periodProblem ?? '– (no snapshot since the last payout)'),
    ],
    ...(v.period && v.periodAllocated !== null
      ? [['Of it, to registered users (estimate)', `${tao(v.periodAllocated)}; ${tao(v.period.poolAccrued - v.periodAllocated)} stays with the owner`] as [string, string]]
      : []),
    ['Next snapshot block', v.nextSnapshotBlock === null ? '–' : String(v.nextSnapshotBlock)],
    ['Last payout', last ? describePlan(last) : 'none yet'],
    ...(v.lastPayoutMoney ? [['Last payout in figures', describeMoney(v.lastPayoutMoney)] as [string, string]] : []),
    ...(v.openPlan ? [['Open plan (not paid yet)', describePlan(v.openPlan)] as [string, string]] : []),
  ];
  return `Validator\n${table(lines)}`;
}

export function userReport(u: UserStats): string {
  const e = u.estimate;
  const lines: [string, string][] = [
    ...u.stakeByAddress.map(({ address, stake }, i): [string, string] => [
      i === 0 ? 'Coldkeys (first is paid)' : '',
      `${address}  ${tao(stake)}`,
    ]),
    ['Current stake', tao(u.currentStake)],
    ['Share of nominator stake', formatPpb(u.sharePpb)],
    ['Base share (this period)', e ? formatPpb(e.basePpb) : '–'],
    ['Final share after referrals', formatPpb(u.finalPpb)],
    ['Referral tax paid', e ? tao(e.taxPaid) : '–'],
    ['Referral income', e ? tao(e.taxReceived) : '–'],
    ['Referred by', u.referrer ? `${u.referrer.name} (tax ${formatTaxPercent(u.referrer.taxPpm)}%)` : 'nobody'],
    ['Referees', u.referees.length ? u.referees.map((r) => `${r.name} (${formatTaxPercent(r.taxPpm)}%)`).join(', ') : 'none'],
    ['Estimated payout (this period)', e ? tao(e.earned) : '–'],
    ['Return incl. referral income', formatApr(u.aprInclReferrals, e !== null)],
  ];
  const history = u.history.length
    ? u.history
        .map((h) => {
          const arrived = h.delivered !== null && h.delivered !== h.amount ? ` (${tao(h.delivered)} arrived; the rest is paid with the next plan)` : '';
          return `  ${h.planId}  blocks ${h.fromBlock}–${h.toBlock}  ${h.status.padEnd(7)}  ${tao(h.amount)}${arrived}${h.extrinsicHash ? `  ${h.extrinsicHash}` : ''}`;
        })
        .join('\n')
    : '  none yet';
  return `${u.name}\n${table(lines)}\nPayout history\n${history}`;
}

/** JSON for scripts: amounts as exact decimal strings (RAO), shares in ppb as strings, dates as ISO text. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === 'bigint' ? v.toString() : v), 2);
}
