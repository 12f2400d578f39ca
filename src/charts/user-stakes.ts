import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { PAYOUT_COLOR } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, showPoints } from './theme.js';

const TITLE = "Each user's stake";

/** More panels than this are unreadable on a page: the largest users by current stake are shown. */
export const MAX_USER_PANELS = 24;

/** Users ordered by their stake at the newest snapshot, largest first (ties by name, so the order is stable). */
function largestUsers(points: ChartData['userStakes']): string[] {
  const newestBlock = Math.max(...points.map((p) => p.block));
  const latest = new Map(points.filter((p) => p.block === newestBlock).map((p) => [p.user, p.stake]));
  const users = [...new Set(points.map((p) => p.user))];
  return users.sort((a, b) => {
    const sa = latest.get(a) ?? 0n;
    const sb = latest.get(b) ?? 0n;
    return sa === sb ? (a < b ? -1 : a > b ? 1 : 0) : sa > sb ? -1 : 1;
  });
}

/**
 * One small multiple per registered user who ever had stake, all on one y scale so that panel heights compare (a
 * user with 40 TAO looks smaller than one with 100); dashed lines mark the payouts.
 */
export function userStakesChart(data: ChartData): ChartSpec {
  const staked = new Set(data.userStakes.filter((p) => p.stake > 0n).map((p) => p.user));
  const points = data.userStakes.filter((p) => staked.has(p.user));
  if (points.length === 0) {
    return { name: 'user-stakes', title: TITLE, spec: emptyChart(TITLE, 'No registered user has had stake in a recorded snapshot yet.') };
  }
  const ranked = largestUsers(points);
  const shown = ranked.slice(0, MAX_USER_PANELS);
  const keep = new Set(shown);
  const without = new Set(data.userStakes.map((p) => p.user)).size - ranked.length;
  const values = [
    ...points.filter((p) => keep.has(p.user)).map((p) => ({ kind: 'stake', user: p.user, time: p.time.toISOString(), block: p.block, tao: taoForChart(p.stake) })),
    // a facet has one data set: the payout lines ride along, one copy per panel
    ...shown.flatMap((user) => data.payoutMarks.map((m) => ({ kind: 'payout', user, time: m.time.toISOString(), block: m.block, tao: null }))),
  ];
  const subtitle = [
    ranked.length > shown.length
      ? `The ${shown.length} largest of ${ranked.length} users by current stake; sum over each user's coldkeys; one scale for all`
      : "Sum over each user's coldkeys at every snapshot; one scale for all panels",
    `${without > 0 ? `${without} user(s) without any stake not shown; ` : ''}${data.payoutMarks.length ? 'dashed lines: payouts' : 'no payout paid yet'}`,
  ];
  return {
    name: 'user-stakes',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: { text: TITLE, subtitle },
      data: { values },
      facet: { field: 'user', type: 'nominal', title: null, sort: shown, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
      columns: 3,
      spacing: { column: 36, row: 24 },
      spec: {
        width: 220,
        height: 120,
        layer: [
          {
            transform: [{ filter: "datum.kind === 'stake'" }],
            mark: { type: 'line', point: showPoints(points.length / ranked.length) },
            encoding: {
              x: { field: 'time', type: 'temporal', title: 'Time (UTC)', axis: { format: '%m-%d %H:%M', labelAngle: -30, tickCount: 3, labelFlush: true } },
              y: { field: 'tao', type: 'quantitative', title: 'Stake (TAO)' },
              tooltip: [
                { field: 'block', type: 'quantitative', title: 'Block' },
                { field: 'tao', type: 'quantitative', title: 'TAO', format: ',.9f' },
              ],
            },
          },
          {
            transform: [{ filter: "datum.kind === 'payout'" }],
            mark: { type: 'rule', color: PAYOUT_COLOR, strokeDash: [5, 3] },
            encoding: { x: { field: 'time', type: 'temporal' } },
          },
        ],
      },
      resolve: { scale: { y: 'shared' } },
      config: chartConfig,
    }),
  };
}
