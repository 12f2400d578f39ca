import { formatTaxPercent } from '../domain/tax.js';
import type { ChartData, ChartSpec } from './data.js';
import { asSpec, chartConfig, emptyChart, SCHEMA } from './theme.js';

const TITLE = 'Referral forest';

const ROW_PX = 26;
const LAYER_PX = 190;

/**
 * Who referred whom: each tree from a person referred by nobody (layer 1), referees one column to the right under
 * their referrer, each line labelled with the tax the referee pays the referrer.
 */
export function referralsChart(data: ChartData): ChartSpec {
  const { nodes, edges } = data.forest;
  if (nodes.length === 0) return { name: 'referrals', title: TITLE, spec: emptyChart(TITLE, 'No referrals yet.') };
  const at = new Map(nodes.map((n) => [n.name, n]));
  const layersCount = Math.max(...nodes.map((n) => n.layer));
  // Elbow lines: down from just right of the referrer's dot (clear of its name), then across to the referee's dot.
  const lines = edges.flatMap((e) => {
    const from = at.get(e.referrer)!;
    const to = at.get(e.referee)!;
    const x = from.layer + 0.06;
    return [
      { x, y: from.row + 0.45, x2: x, y2: to.row, tax: '' },
      { x, y: to.row, x2: to.layer, y2: to.row, tax: `${formatTaxPercent(e.taxPpm)} %`, mx: (x + to.layer) / 2 },
    ];
  });
  const taxes = lines.filter((l) => l.tax !== '');
  const points = nodes.map((n) => ({ x: n.layer, y: n.row, name: n.name }));
  const headers = Array.from({ length: layersCount }, (_, i) => ({ x: i + 1, label: `Layer ${i + 1}` }));
  const x = { type: 'quantitative', scale: { domain: [0.8, layersCount + 0.9] }, axis: null };
  const y = { type: 'quantitative', scale: { domain: [-1, nodes.length], reverse: true }, axis: null };
  return {
    name: 'referrals',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: { text: TITLE, subtitle: [`${nodes.length} people in ${layersCount} layer(s); a person's layer: 1 = referred by nobody`, "each line: referrer → referee one layer further, labelled with the tax the referee pays on their base share"] },
      width: LAYER_PX * layersCount + 80,
      height: ROW_PX * (nodes.length + 1),
      layer: [
        { data: { values: lines }, mark: { type: 'rule', color: '#999', strokeWidth: 1.5 }, encoding: { x: { field: 'x', ...x }, y: { field: 'y', ...y }, x2: { field: 'x2' }, y2: { field: 'y2' } } },
        {
          data: { values: taxes },
          mark: { type: 'text', fontSize: 10, color: '#c0392b', dy: -7, fontWeight: 'bold' },
          encoding: { x: { field: 'mx', ...x }, y: { field: 'y', ...y }, text: { field: 'tax' } },
        },
        {
          data: { values: points },
          mark: { type: 'point', filled: true, size: 70, color: '#4c78a8', opacity: 1 },
          encoding: { x: { field: 'x', ...x }, y: { field: 'y', ...y }, tooltip: [{ field: 'name', type: 'nominal', title: 'User' }] },
        },
        { data: { values: points }, mark: { type: 'text', align: 'left', dx: 8, fontSize: 12 }, encoding: { x: { field: 'x', ...x }, y: { field: 'y', ...y }, text: { field: 'name' } } },
        { data: { values: headers }, mark: { type: 'text', fontSize: 12, fontWeight: 'bold', color: '#555', align: 'left', dx: -6 }, encoding: { x: { field: 'x', ...x }, y: { value: 4 }, text: { field: 'label' } } },
      ],
      config: { ...chartConfig, view: { stroke: null } },
    }),
  };
}
