import type { PayoutMark } from './data.js';
import { taoForChart } from './display.js';

export const PAYOUT_COLOR = '#7b4fa0';

/** Labels stay readable up to this many payouts on one axis; beyond it only the lines are drawn. */
export const MAX_LABELLED_MARKS = 12;

export function markValues(marks: readonly PayoutMark[]) {
  return marks.map((m) => ({
    time: m.time.toISOString(),
    planId: m.planId,
    block: m.block,
    paid: taoForChart(m.paid),
    label: `paid ${taoForChart(m.paid).toFixed(4)} TAO`,
  }));
}

/**
 * A dashed line at every paid payout, labelled with what it paid while there are few: layered on each time chart so
 * a jump in a series can be read against the payout that caused it.
 */
export function payoutMarkLayers(marks: readonly PayoutMark[]): object[] {
  if (marks.length === 0) return [];
  const values = markValues(marks);
  const rule = {
    data: { values },
    mark: { type: 'rule', color: PAYOUT_COLOR, strokeDash: [5, 3], strokeWidth: 1.5 },
    encoding: {
      x: { field: 'time', type: 'temporal' },
      tooltip: [
        { field: 'planId', type: 'nominal', title: 'Plan' },
        { field: 'block', type: 'quantitative', title: 'Paid in block' },
        { field: 'paid', type: 'quantitative', title: 'Paid (TAO)', format: ',.9f' },
      ],
    },
  };
  if (marks.length > MAX_LABELLED_MARKS) return [rule];
  const label = {
    data: { values },
    // to the left of its line: the newest payout is usually at the right edge, beside the legend
    mark: { type: 'text', color: PAYOUT_COLOR, align: 'right', baseline: 'top', dx: -3, dy: 2, fontSize: 10 },
    encoding: { x: { field: 'time', type: 'temporal' }, y: { value: 0 }, text: { field: 'label' } },
  };
  return [rule, label];
}

/** What the subtitle says about the dashed lines. */
export function marksNote(marks: readonly PayoutMark[]): string {
  if (marks.length === 0) return 'no payout paid yet';
  return marks.length > MAX_LABELLED_MARKS ? `dashed lines: the ${marks.length} payouts` : 'dashed lines: payouts, with what each paid';
}
