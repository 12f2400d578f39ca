import type { ChartData, ChartSpec } from './data.js';
import { ppbToPercent } from './display.js';
import { chartConfig, emptyChart, SCHEMA } from './theme.js';

const TITLE = 'Base share vs. final share after referrals';

/** final share = amount / pool, in parts per billion (integer division; display only). */
function finalPpb(amount: bigint, pool: bigint): bigint {
  return pool === 0n ? 0n : (amount * 1_000_000_000n) / pool;
}

/** Per user, the base share beside the final share: a lower final bar pays referral tax, a higher one receives it. */
export function sharesChart(data: ChartData): ChartSpec {
  if (data.shares.length === 0) return { name: 'shares', title: TITLE, spec: emptyChart(TITLE, 'No period to share out yet.') };
  const values = data.shares.flatMap((s) => {
    const base = ppbToPercent(s.basePpb);
    const final = ppbToPercent(finalPpb(s.amount, s.pool));
    const role = s.taxPaid > 0n && s.taxReceived > 0n ? 'pays and receives tax' : s.taxPaid > 0n ? 'pays tax' : s.taxReceived > 0n ? 'receives tax' : 'no referral';
    return [
      { user: s.user, measure: 'Base share', percent: base, role },
      { user: s.user, measure: 'Final share', percent: final, role },
    ];
  });
  const users = data.shares.map((s) => s.user);
  return {
    name: 'shares',
    title: TITLE,
    spec: {
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: [`${data.sharesPeriod}; final share = amount / pool`, 'final below base: the user pays referral tax; above base: the user receives it'] },
      width: Math.max(300, 70 * users.length),
      height: 300,
      data: { values },
      encoding: {
        x: { field: 'user', type: 'nominal', title: 'User', sort: users, axis: { labelAngle: 0 } },
        xOffset: { field: 'measure', type: 'nominal', sort: ['Base share', 'Final share'] },
        y: { field: 'percent', type: 'quantitative', title: 'Share of the pool (%)' },
      },
      layer: [
        {
          mark: { type: 'bar' },
          encoding: {
            color: { field: 'measure', type: 'nominal', title: null, sort: ['Base share', 'Final share'] },
            tooltip: [
              { field: 'user', type: 'nominal' },
              { field: 'measure', type: 'nominal' },
              { field: 'percent', type: 'quantitative', format: '.4f', title: '%' },
              { field: 'role', type: 'nominal', title: 'Referral' },
            ],
          },
        },
        {
          mark: { type: 'text', dy: -7, fontSize: 10 },
          encoding: { text: { field: 'percent', type: 'quantitative', format: '.2f' } },
        },
      ],
      config: chartConfig,
    },
  };
}
