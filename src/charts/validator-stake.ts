import type { ChartData, ChartSpec } from './data.js';
import { taoForChart } from './display.js';
import { marksNote, payoutMarkLayers } from './marks.js';
import { asSpec, chartConfig, emptyChart, SCHEMA, showPoints, TIME_AXIS } from './theme.js';

const TITLE = 'Validator stake';

const tooltip = [
  { field: 'block', type: 'quantitative', title: 'Block' },
  { field: 'tao', type: 'quantitative', title: 'TAO', format: ',.9f' },
];

/**
 * Nominator stake and total stake, each on its own scale: the owner's delegate stake makes the total many times the
 * nominators' stake, so on one axis from zero the nominators' line would be flat.
 */
export function validatorStakeChart(data: ChartData): ChartSpec {
  if (data.snapshots.length === 0) return { name: 'validator-stake', title: TITLE, spec: emptyChart(TITLE, 'No snapshots recorded yet.') };
  const points = showPoints(data.snapshots.length);
  const escrow = data.snapshots.some((s) => s.escrowStake !== undefined);
  const panel = (series: string, color: string, pick: (s: ChartData['snapshots'][number]) => bigint, last: boolean) => ({
    width: 640,
    height: 170,
    layer: [
      {
        data: { values: data.snapshots.map((s) => ({ time: s.time.toISOString(), block: s.block, series, tao: taoForChart(pick(s)) })) },
        mark: { type: 'line', color, point: points ? { color } : false },
        encoding: {
          x: { ...TIME_AXIS, ...(last ? {} : { title: null, axis: { ...TIME_AXIS.axis, labels: false } }) },
          y: { field: 'tao', type: 'quantitative', title: `${series} (TAO)`, scale: { zero: false } },
          tooltip,
        },
      },
      ...payoutMarkLayers(data.payoutMarks),
    ],
  });
  return {
    name: 'validator-stake',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: ["Each on its own scale; nominator stake = total stake − the owner's delegate stake", marksNote(data.payoutMarks)] },
      vconcat: [
        panel('Nominator stake', '#f58518', (s) => s.nominatorStake, false),
        panel('Total stake', '#4c78a8', (s) => s.totalStake, !escrow),
        // subtensor's basket escrow (spec 441+) is in neither line: shown apart where a snapshot recorded it.
        ...(escrow ? [panel('Basket escrow (not a nominator)', '#54a24b', (s) => s.escrowStake ?? 0n, true)] : []),
      ],
      config: chartConfig,
    }),
  };
}
