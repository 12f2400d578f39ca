import type { PayoutRow } from '../domain/types.js';
import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { asSpec, chartConfig, emptyChart, SCHEMA } from './theme.js';

const TITLE = 'Payouts per period';

/** Rows that describe money that left, or is planned to leave, the pool. */
const SHOWN: ReadonlySet<PayoutRow['status']> = new Set(['planned', 'sent', 'paid']);

export function periodLabel(row: Pick<PayoutRow, 'fromBlock' | 'toBlock' | 'status'>): string {
  return `${row.fromBlock}–${row.toBlock} ${row.status}`;
}

/** Amounts stacked by user for each period, with the pool the period shared out as a black tick. */
export function payoutsChart(data: ChartData): ChartSpec {
  const rows = data.payouts.filter((r) => SHOWN.has(r.status));
  if (rows.length === 0) return { name: 'payouts', title: TITLE, spec: emptyChart(TITLE, 'No payout planned or paid yet.') };
  const periods = [...new Map(rows.map((r) => [r.planId, r])).values()].sort((a, b) => a.toBlock - b.toBlock);
  const order = periods.map(periodLabel);
  // Each period's bar is stacked in name order, computed here so the labels sit exactly in their segments.
  const amounts = periods.flatMap((p) => {
    let base = 0n;
    return rows
      .filter((r) => r.planId === p.planId)
      .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0))
      .map((r) => {
        const lo = base;
        base += r.amount;
        return { period: periodLabel(r), user: r.user, tao: taoForChart(r.amount), lo: taoForChart(lo), hi: taoForChart(base), mid: taoForChart(lo + r.amount / 2n) };
      });
  });
  const pools = periods.map((p) => ({ period: periodLabel(p), pool: taoForChart(p.pool), label: `pool ${taoForChart(p.pool).toFixed(4)} TAO` }));
  // A segment is labelled with its amount when it is tall enough to hold the text.
  const tallest = Math.max(...pools.map((p) => p.pool), ...amounts.map((a) => a.hi));
  return {
    name: 'payouts',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: "Bars: each user's amount (stacked, labelled where it fits); black tick: the period's pool" },
      width: Math.max(240, 150 * periods.length),
      height: 300,
      layer: [
        {
          data: { values: amounts },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'period', type: 'nominal', title: 'Period (blocks, status)', sort: order, axis: { labelAngle: 0, labelLimit: 0 } },
            y: { field: 'lo', type: 'quantitative', title: 'Amount (TAO)' },
            y2: { field: 'hi' },
            color: { field: 'user', type: 'nominal', title: 'User' },
            tooltip: [
              { field: 'user', type: 'nominal' },
              { field: 'tao', type: 'quantitative', title: 'TAO', format: ',.9f' },
            ],
          },
        },
        {
          data: { values: pools },
          mark: { type: 'tick', color: 'black', thickness: 3 },
          encoding: {
            x: { field: 'period', type: 'nominal', sort: order },
            y: { field: 'pool', type: 'quantitative' },
            tooltip: [{ field: 'pool', type: 'quantitative', title: 'Pool (TAO)', format: ',.9f' }],
          },
        },
        {
          data: { values: amounts },
          transform: [{ filter: `datum.tao >= ${tallest / 14}` }],
          mark: { type: 'text', color: 'white', fontSize: 10 },
          encoding: {
            x: { field: 'period', type: 'nominal', sort: order },
            y: { field: 'mid', type: 'quantitative' },
            text: { field: 'tao', type: 'quantitative', format: ',.4f' },
          },
        },
        {
          data: { values: pools },
          mark: { type: 'text', dy: -10, fontSize: 11, fontWeight: 'bold' },
          encoding: {
            x: { field: 'period', type: 'nominal', sort: order },
            y: { field: 'pool', type: 'quantitative' },
            text: { field: 'label' },
          },
        },
      ],
      config: chartConfig,
    }),
  };
}
