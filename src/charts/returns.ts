import { MIN_ANNUALISED_TEXT, POOL_RETURN_FORMULA } from '../domain/returns.js';
import type { ChartData, ChartSpec } from './data.js';
import { marksNote, payoutMarkLayers } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, showPoints, TIME_AXIS } from './theme.js';

const TITLE = 'Annualised return of the payout pool';

/** The pool's accrual per unit of nominator stake over windows long enough to annualise. */
export function returnsChart(data: ChartData): ChartSpec {
  if (data.returns.length === 0) {
    return {
      name: 'returns',
      title: TITLE,
      spec: emptyChart(TITLE, `Not enough history yet: returns are annualised over at least ${MIN_ANNUALISED_TEXT}.`),
    };
  }
  const values = data.returns.map((r) => ({
    time: r.toTime.toISOString(),
    fromBlock: r.fromBlock,
    toBlock: r.toBlock,
    percent: r.poolApr * 100,
  }));
  return {
    name: 'returns',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: {
        text: TITLE,
        subtitle: [
          POOL_RETURN_FORMULA,
          `Each point: the last ${MIN_ANNUALISED_TEXT} (at least) of snapshot intervals; intervals with a payout or a shrinking pool are left out`,
          marksNote(data.payoutMarks),
        ],
      },
      width: 640,
      height: 260,
      layer: [
        {
          data: { values },
          mark: { type: 'line', point: showPoints(values.length) },
          encoding: {
            x: TIME_AXIS,
            y: { field: 'percent', type: 'quantitative', title: 'Annualised return (% a year)' },
            tooltip: [
              { field: 'fromBlock', type: 'quantitative', title: 'From block' },
              { field: 'toBlock', type: 'quantitative', title: 'To block' },
              { field: 'percent', type: 'quantitative', title: 'APR (%)', format: '.3f' },
            ],
          },
        },
        ...payoutMarkLayers(data.payoutMarks),
      ],
      config: chartConfig,
    }),
  };
}
