import { ppbToPercent, taoForChart } from './display.js';
import type { ChartData, ChartSpec } from './data.js';
import { marksNote, payoutMarkLayers } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, TIME_AXIS } from './theme.js';

const TITLE = 'Registered vs unregistered nominator stake';
const REGISTERED = 'Registered users';
const UNREGISTERED = 'Not registered';

/** The nominator stake split into what registered users hold (and share the pool by) and what nobody claims. */
export function nominatorsChart(data: ChartData): ChartSpec {
  const newest = data.snapshots.at(-1);
  if (!newest) return { name: 'nominators', title: TITLE, spec: emptyChart(TITLE, 'No snapshots recorded yet.') };
  const values = data.snapshots.flatMap((s) => [
    { time: s.time.toISOString(), block: s.block, series: REGISTERED, tao: taoForChart(s.usersStake) },
    { time: s.time.toISOString(), block: s.block, series: UNREGISTERED, tao: taoForChart(s.nominatorStake - s.usersStake) },
  ]);
  const share = newest.nominatorStake > 0n ? ppbToPercent((newest.usersStake * 1_000_000_000n) / newest.nominatorStake).toFixed(2) : '0.00';
  return {
    name: 'nominators',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: {
        text: TITLE,
        subtitle: [
          `Newest snapshot: registered users hold ${share} % of ${taoForChart(newest.nominatorStake).toFixed(2)} TAO of nominator stake`,
          'The pool share of nominators who are not registered users is not paid out',
          marksNote(data.payoutMarks),
        ],
      },
      width: 640,
      height: 240,
      layer: [
        {
          data: { values },
          mark: { type: 'area', opacity: 0.85, line: true },
          encoding: {
            x: TIME_AXIS,
            y: { field: 'tao', type: 'quantitative', stack: 'zero', title: 'Nominator stake (TAO)' },
            color: { field: 'series', type: 'nominal', title: null, sort: [REGISTERED, UNREGISTERED], scale: { domain: [REGISTERED, UNREGISTERED], range: ['#54a24b', '#bab0ac'] } },
            order: { field: 'series', sort: 'ascending' },
            tooltip: [
              { field: 'series', type: 'nominal' },
              { field: 'block', type: 'quantitative', title: 'Block' },
              { field: 'tao', type: 'quantitative', title: 'TAO', format: ',.9f' },
            ],
          },
        },
        ...payoutMarkLayers(data.payoutMarks),
      ],
      config: chartConfig,
    }),
  };
}
