import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { chartConfig, emptyChart, SCHEMA } from './theme.js';

const TITLE = "Each user's stake";

/** One small multiple per registered user; each has its own y scale so small stakes stay readable. */
export function userStakesChart(data: ChartData): ChartSpec {
  if (data.userStakes.length === 0) {
    return { name: 'user-stakes', title: TITLE, spec: emptyChart(TITLE, 'No registered user has a recorded snapshot yet.') };
  }
  const values = data.userStakes.map((p) => ({ user: p.user, time: p.time.toISOString(), block: p.block, tao: taoForChart(p.stake) }));
  return {
    name: 'user-stakes',
    title: TITLE,
    spec: {
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: 'Sum over all coldkeys registered to the user, at every snapshot' },
      data: { values },
      facet: { field: 'user', type: 'nominal', title: null, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
      columns: 3,
      spec: {
        width: 220,
        height: 120,
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'time', type: 'temporal', title: 'Snapshot time (UTC)', axis: { format: '%m-%d %H:%M', labelAngle: -30 } },
          y: { field: 'tao', type: 'quantitative', title: 'Stake (TAO)' },
          tooltip: [
            { field: 'block', type: 'quantitative', title: 'Block' },
            { field: 'tao', type: 'quantitative', title: 'TAO', format: ',.9f' },
          ],
        },
      },
      resolve: { scale: { y: 'independent' } },
      config: chartConfig,
    },
  };
}
