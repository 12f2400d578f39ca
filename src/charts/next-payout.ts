import { formatTao } from '../domain/tao.js';
import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { marksNote, payoutMarkLayers } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, showPoints, TIME_AXIS } from './theme.js';

const TITLE = 'Next payout (estimate)';
const ACCRUED = 'Accrued so far';
const PROJECTED = 'Projected at the rate so far';

const DAY_MS = 86_400_000;

function duration(ms: number): string {
  return ms >= 2 * DAY_MS ? `${(ms / DAY_MS).toFixed(1)} days` : `${(ms / 3_600_000).toFixed(1)} hours`;
}

function day(date: Date): string {
  return date.toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * The current period's pool so far and, when paid periods show a rhythm (their median length), where it will be
 * when the next payout is due, with the users' part of it. A display estimate: plan works out the real amounts.
 */
export function nextPayoutChart(data: ChartData): ChartSpec {
  const next = data.next;
  if (!next) return { name: 'next-payout', title: TITLE, spec: emptyChart(TITLE, 'No snapshot since the last payout yet (or a plan is partly paid).') };
  const last = Math.max(...data.accrued.map((p) => p.period));
  const period = data.accrued.filter((p) => p.period === last);
  const actual = period.map((p) => ({ time: p.time.toISOString(), series: ACCRUED, tao: taoForChart(p.accrued) }));
  const overdue = next.dueTime !== null && next.dueTime.getTime() <= next.newestTime.getTime();
  const projected =
    next.dueTime && next.duePool !== null && !overdue
      ? [
          { time: next.newestTime.toISOString(), series: PROJECTED, tao: taoForChart(next.accrued) },
          { time: next.dueTime.toISOString(), series: PROJECTED, tao: taoForChart(next.duePool) },
        ]
      : [];
  const due =
    next.dueTime && next.dueToUsers !== null && next.duePool !== null
      ? [
          overdue
            ? { time: next.newestTime.toISOString(), tao: taoForChart(next.accrued), label: `due since ${day(next.dueTime)}: ≈ ${taoForChart(next.toUsers).toFixed(4)} TAO to users` }
            : { time: next.dueTime.toISOString(), tao: taoForChart(next.duePool), label: `≈ ${taoForChart(next.dueToUsers).toFixed(4)} TAO to users, ${day(next.dueTime)}` },
        ]
      : [];
  const series = projected.length ? [ACCRUED, PROJECTED] : [ACCRUED];
  const subtitle = [
    `Now (${day(next.newestTime)}): ${formatTao(next.accrued)} TAO accrued since block ${next.sinceBlock}, ${formatTao(next.perDay)} TAO a day`,
    `≈ ${formatTao(next.toUsers)} TAO of it to registered users (their share of nominator stake now)`,
    next.typicalPeriodMs === null
      ? 'No payout yet, so no rhythm to project from: a plan made now would share out the pool so far'
      : `Due after the median paid period of ${duration(next.typicalPeriodMs)}; ${marksNote(data.payoutMarks)}`,
  ];
  return {
    name: 'next-payout',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: { text: TITLE, subtitle },
      width: 640,
      height: 240,
      layer: [
        {
          data: { values: [...actual, ...projected] },
          mark: { type: 'line', point: showPoints(actual.length) },
          encoding: {
            x: TIME_AXIS,
            y: { field: 'tao', type: 'quantitative', title: 'Pool accrued (TAO)' },
            color: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: ['#54a24b', '#54a24b'] } },
            strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: [[1, 0], [6, 4]] } },
          },
        },
        ...(due.length
          ? [
              { data: { values: due }, mark: { type: 'point', shape: 'diamond', size: 100, filled: true, color: '#54a24b' }, encoding: { x: { field: 'time', type: 'temporal' }, y: { field: 'tao', type: 'quantitative' } } },
              { data: { values: due }, mark: { type: 'text', align: 'right', dx: -8, dy: -12, fontSize: 11, fontWeight: 'bold' }, encoding: { x: { field: 'time', type: 'temporal' }, y: { field: 'tao', type: 'quantitative' }, text: { field: 'label' } } },
            ]
          : []),
        ...payoutMarkLayers(data.payoutMarks.filter((m) => m.block >= next.sinceBlock)),
      ],
      config: chartConfig,
    }),
  };
}
