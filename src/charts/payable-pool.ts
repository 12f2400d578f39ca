import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { marksNote, markValues, PAYOUT_COLOR, payoutMarkLayers } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, showPoints, TIME_AXIS } from './theme.js';

const TITLE = 'Payable pool and what was paid';
const ACCRUED = 'Take accrued since the last payout';
const PAID = 'Paid at the payout';

/**
 * The pool a plan shares out (`plan --pool accrued`): the delegate stake gained since the last paid period, starting
 * again after each payout, against what each payout paid. The whole delegate stake would hide it: it never shrinks.
 */
export function payablePoolChart(data: ChartData): ChartSpec {
  if (data.accrued.length === 0) return { name: 'payable-pool', title: TITLE, spec: emptyChart(TITLE, 'No snapshots recorded yet.') };
  const accrued = data.accrued.map((p) => ({ time: p.time.toISOString(), block: p.block, period: p.period, tao: taoForChart(p.accrued) }));
  const paid = markValues(data.payoutMarks);
  return {
    name: 'payable-pool',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: ["Line: the pool a plan made at that snapshot would share out; it starts again at each paid period's end", `Diamonds: what each payout paid to users; ${marksNote(data.payoutMarks)}`] },
      width: 640,
      height: 260,
      layer: [
        {
          data: { values: accrued },
          mark: { type: 'line', interpolate: 'linear', point: showPoints(accrued.length) },
          encoding: {
            x: TIME_AXIS,
            y: { field: 'tao', type: 'quantitative', title: 'Pool (TAO)' },
            color: { datum: ACCRUED, type: 'nominal', title: null, scale: { domain: [ACCRUED, PAID], range: ['#54a24b', PAYOUT_COLOR] } },
            detail: { field: 'period', type: 'nominal' },
            tooltip: [
              { field: 'block', type: 'quantitative', title: 'Block' },
              { field: 'tao', type: 'quantitative', title: 'Accrued (TAO)', format: ',.9f' },
            ],
          },
        },
        ...payoutMarkLayers(data.payoutMarks),
        ...(paid.length
          ? [
              {
                data: { values: paid },
                mark: { type: 'point', shape: 'diamond', size: 90, filled: true },
                encoding: {
                  x: { field: 'time', type: 'temporal' },
                  y: { field: 'paid', type: 'quantitative' },
                  color: { datum: PAID, type: 'nominal' },
                  tooltip: [
                    { field: 'planId', type: 'nominal', title: 'Plan' },
                    { field: 'paid', type: 'quantitative', title: 'Paid (TAO)', format: ',.9f' },
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
