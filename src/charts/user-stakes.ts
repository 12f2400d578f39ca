import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { chartConfig, emptyChart, SCHEMA, showPoints } from './theme.js';

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

/** One small multiple per registered user; each has its own y scale so small stakes stay readable. */
export function userStakesChart(data: ChartData): ChartSpec {
  if (data.userStakes.length === 0) {
    return { name: 'user-stakes', title: TITLE, spec: emptyChart(TITLE, 'No registered user has a recorded snapshot yet.') };
  }
  const ranked = largestUsers(data.userStakes);
  const shown = ranked.slice(0, MAX_USER_PANELS);
  const keep = new Set(shown);
  const points = data.userStakes.filter((p) => keep.has(p.user));
  const values = points.map((p) => ({ user: p.user, time: p.time.toISOString(), block: p.block, tao: taoForChart(p.stake) }));
  const subtitle =
    ranked.length > shown.length
      ? `The ${shown.length} largest of ${ranked.length} users by current stake; sum over each user's coldkeys`
      : 'Sum over all coldkeys registered to the user, at every snapshot';
  return {
    name: 'user-stakes',
    title: TITLE,
    spec: {
      $schema: SCHEMA,
      title: { text: TITLE, subtitle },
      data: { values },
      facet: { field: 'user', type: 'nominal', title: null, sort: shown, header: { labelFontSize: 12, labelFontWeight: 'bold' } },
      columns: 3,
      spec: {
        width: 220,
        height: 120,
        mark: { type: 'line', point: showPoints(points.length / shown.length) },
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
