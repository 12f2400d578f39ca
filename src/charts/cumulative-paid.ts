import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { marksNote, payoutMarkLayers } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, TIME_AXIS } from './theme.js';

const TITLE = 'Paid to each user so far';

/** Lines beyond this many cannot be told apart by colour: the users paid most are drawn, the rest counted. */
export const MAX_PAID_USERS = 12;

/** Each user's total paid, stepping up at every payout that paid them. */
export function cumulativePaidChart(data: ChartData): ChartSpec {
  const marks = new Map(data.payoutMarks.map((m) => [m.planId, m]));
  const paid = data.payouts.filter((r) => r.status === 'paid' && marks.has(r.planId));
  if (paid.length === 0) return { name: 'cumulative-paid', title: TITLE, spec: emptyChart(TITLE, 'No payout paid yet.') };
  const totals = new Map<string, bigint>();
  for (const r of paid) totals.set(r.user, (totals.get(r.user) ?? 0n) + r.amount);
  const ranked = [...totals].filter(([, total]) => total > 0n).sort(([a, x], [b, y]) => (x === y ? (a < b ? -1 : 1) : x > y ? -1 : 1)).map(([u]) => u);
  const shown = ranked.slice(0, MAX_PAID_USERS);
  const ordered = [...data.payoutMarks].sort((a, b) => a.time.getTime() - b.time.getTime());
  const values = shown.flatMap((user) => {
    let sum = 0n;
    return ordered.map((m) => {
      sum += paid.filter((r) => r.planId === m.planId && r.user === user).reduce((a, r) => a + r.amount, 0n);
      return { user, time: m.time.toISOString(), planId: m.planId, tao: taoForChart(sum) };
    });
  });
  const rest = ranked.length - shown.length;
  return {
    name: 'cumulative-paid',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: {
        text: TITLE,
        subtitle: [`${rest > 0 ? `The ${shown.length} users paid most of ${ranked.length}` : 'Every user paid'}; each step is a payout`, marksNote(data.payoutMarks)],
      },
      width: 640,
      height: 260,
      layer: [
        {
          data: { values },
          mark: { type: 'line', interpolate: 'step-after', point: true },
          encoding: {
            x: TIME_AXIS,
            y: { field: 'tao', type: 'quantitative', title: 'Paid so far (TAO)' },
            color: { field: 'user', type: 'nominal', title: 'User', sort: shown },
            tooltip: [
              { field: 'user', type: 'nominal' },
              { field: 'planId', type: 'nominal', title: 'After plan' },
              { field: 'tao', type: 'quantitative', title: 'Paid so far (TAO)', format: ',.9f' },
            ],
          },
        },
        ...payoutMarkLayers(data.payoutMarks),
      ],
      config: chartConfig,
    }),
  };
}
