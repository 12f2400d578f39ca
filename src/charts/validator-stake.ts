import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { chartConfig, emptyChart, SCHEMA, showPoints } from './theme.js';

const TITLE = 'Validator stake';

const timeAxis = { field: 'time', type: 'temporal', title: 'Snapshot time (UTC)', axis: { format: '%Y-%m-%d %H:%M', labelAngle: -30 } } as const;
const tooltip = [
  { field: 'series', type: 'nominal' },
  { field: 'block', type: 'quantitative', title: 'Block' },
  { field: 'tao', type: 'quantitative', title: 'TAO', format: ',.9f' },
] as const;

/**
 * Total and nominator stake at every snapshot, and below it the delegate stake (the payout pool) on its own scale:
 * the pool is a small fraction of the total and would be a flat line at zero on a shared axis.
 */
export function validatorStakeChart(data: ChartData): ChartSpec {
  if (data.snapshots.length === 0) return { name: 'validator-stake', title: TITLE, spec: emptyChart(TITLE, 'No snapshots recorded yet.') };
  const stake = data.snapshots.flatMap((s) => [
    { time: s.time.toISOString(), block: s.block, series: 'Total stake', tao: taoForChart(s.totalStake) },
    { time: s.time.toISOString(), block: s.block, series: 'Nominator stake', tao: taoForChart(s.nominatorStake) },
  ]);
  const pool = data.snapshots.map((s) => ({ time: s.time.toISOString(), block: s.block, series: 'Delegate stake (pool)', tao: taoForChart(s.delegateStake) }));
  return {
    name: 'validator-stake',
    title: TITLE,
    spec: {
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: 'Nominator stake = total stake − delegate stake; the delegate stake is the payout pool' },
      vconcat: [
        {
          width: 640,
          height: 220,
          data: { values: stake },
          mark: { type: 'line', point: showPoints(data.snapshots.length) },
          encoding: {
            x: { ...timeAxis, title: null },
            y: { field: 'tao', type: 'quantitative', title: 'Stake (TAO)', scale: { zero: false } },
            color: { field: 'series', type: 'nominal', title: null, sort: ['Total stake', 'Nominator stake'], scale: { range: ['#4c78a8', '#f58518'] } },
            tooltip: [...tooltip],
          },
        },
        {
          width: 640,
          height: 140,
          data: { values: pool },
          mark: { type: 'line', color: '#54a24b', point: showPoints(data.snapshots.length) ? { color: '#54a24b' } : false },
          encoding: {
            x: timeAxis,
            y: { field: 'tao', type: 'quantitative', title: 'Pool (TAO)' },
            tooltip: [...tooltip],
          },
        },
      ],
      resolve: { scale: { color: 'independent' } },
      config: chartConfig,
    },
  };
}
