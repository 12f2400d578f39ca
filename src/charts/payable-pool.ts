import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { marksNote, PAYOUT_COLOR, payoutMarkLayers } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, showPoints, TIME_AXIS } from './theme.js';

const TITLE = 'Payable pool: allocated, paid and kept by the owner';
const ACCRUED = 'Take accrued since the last payout';
const ALLOCATED = 'Allocated to registered users';
const PAID = 'Paid to users';
const KEPT = 'Kept by the owner';
const SERIES = [ACCRUED, ALLOCATED, PAID, KEPT];

/**
 * The pool a plan shares out (`plan --pool accrued`): the delegate stake gained since the last paid period, starting
 * again after each payout. At each payout, where the pool went: what registered users were allocated, what the chain
 * delivered to them (carries included), and what stayed with the owner (the share of nominators who are not users),
 * so a line ending at 25.19 beside a payment of 13.00 explains itself. Figures from domain/money.ts.
 */
export function payablePoolChart(data: ChartData): ChartSpec {
  if (data.accrued.length === 0) return { name: 'payable-pool', title: TITLE, spec: emptyChart(TITLE, 'No snapshots recorded yet.') };
  const accrued = data.accrued.map((p) => ({ time: p.time.toISOString(), block: p.block, period: p.period, tao: taoForChart(p.accrued) }));
  const split = data.payoutMarks.flatMap((m) =>
    (
      [
        [ALLOCATED, m.allocated],
        [PAID, m.paid],
        [KEPT, m.kept],
      ] as const
    ).map(([series, rao]) => ({ time: m.time.toISOString(), planId: m.planId, series, tao: taoForChart(rao), pool: taoForChart(m.pool) })),
  );
  return {
    name: 'payable-pool',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: {
        text: TITLE,
        subtitle: [
          "Line: the pool a plan made at that snapshot would share out (the take accrued); it starts again at each paid period's end",
          'At each payout: allocated to registered users, paid to them (carries included), and the rest of the pool, kept by the owner',
          marksNote(data.payoutMarks),
        ],
      },
      width: 640,
      height: 260,
      layer: [
        {
          data: { values: accrued },
          mark: { type: 'line', interpolate: 'linear', point: showPoints(accrued.length) },
          encoding: {
            x: TIME_AXIS,
            y: { field: 'tao', type: 'quantitative', title: 'Pool (TAO)' },
            color: { datum: ACCRUED, type: 'nominal', title: null, scale: { domain: SERIES, range: ['#54a24b', '#4c78a8', PAYOUT_COLOR, '#9d755d'] } },
            detail: { field: 'period', type: 'nominal' },
            tooltip: [
              { field: 'block', type: 'quantitative', title: 'Block' },
              { field: 'tao', type: 'quantitative', title: 'Accrued (TAO)', format: ',.9f' },
            ],
          },
        },
        ...payoutMarkLayers(data.payoutMarks),
        ...(split.length
          ? [
              {
                data: { values: split },
                mark: { type: 'point', size: 90, filled: true },
                encoding: {
                  x: { field: 'time', type: 'temporal' },
                  y: { field: 'tao', type: 'quantitative' },
                  color: { field: 'series', type: 'nominal' },
                  shape: { field: 'series', type: 'nominal', title: null, scale: { domain: SERIES.slice(1), range: ['square', 'diamond', 'triangle-down'] } },
                  tooltip: [
                    { field: 'planId', type: 'nominal', title: 'Plan' },
                    { field: 'series', type: 'nominal', title: 'What' },
                    { field: 'tao', type: 'quantitative', title: 'TAO', format: ',.9f' },
                    { field: 'pool', type: 'quantitative', title: 'Pool (TAO)', format: ',.9f' },
                  ],
                },
              },
            ]
          : []),
      ],
      config: chartConfig,
    }),
  };
}
