import type { PayoutRow } from '../domain/types.js';
import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { chartConfig, emptyChart, SCHEMA } from './theme.js';

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
  const amounts = rows.map((r) => ({ period: periodLabel(r), user: r.user, tao: taoForChart(r.amount) }));
  const pools = periods.map((p) => ({ period: periodLabel(p), pool: taoForChart(p.pool) }));
  return {
    name: 'payouts',
    title: TITLE,
    spec: {
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: 'Bars: amount paid to each user (stacked); tick: the pool of the period' },
      width: Math.max(240, 150 * periods.length),
      height: 300,
      layer: [
        {
          data: { values: amounts },
          mark: { type: 'bar' },
          encoding: {
            x: { field: 'period', type: 'nominal', title: 'Period (blocks, status)', sort: order, axis: { labelAngle: 0, labelLimit: 0 } },
            y: { field: 'tao', type: 'quantitative', aggregate: 'sum', stack: 'zero', title: 'TAO' },
            color: { field: 'user', type: 'nominal', title: 'User' },
            tooltip: [
              { field: 'user', type: 'nominal' },
              { field: 'tao', type: 'quantitative', aggregate: 'sum', title: 'TAO', format: ',.9f' },
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
          data: { values: pools },
          mark: { type: 'text', dy: -10, fontSize: 11 },
          encoding: {
            x: { field: 'period', type: 'nominal', sort: order },
            y: { field: 'pool', type: 'quantitative' },
            text: { field: 'pool', type: 'quantitative', format: ',.4f' },
          },
        },
      ],
      config: chartConfig,
    },
  };
}
