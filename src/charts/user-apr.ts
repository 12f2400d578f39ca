import { MIN_ANNUALISED_TEXT } from '../domain/returns.js';
import type { ChartData, ChartSpec } from './data.js';
import { asSpec, chartConfig, emptyChart, SCHEMA } from './theme.js';

const TITLE = "Each user's effective APR";

export const MAX_APR_USERS = 30;

/** Σ paid / Σ (mean stake × period length) over the paid periods, annualised: referral income included. */
export function userAprChart(data: ChartData): ChartSpec {
  const rows = data.aprs.filter((a) => a.apr !== null && a.stakeTime > 0n).sort((a, b) => b.apr! - a.apr! || (a.user < b.user ? -1 : 1));
  if (rows.length === 0) {
    return {
      name: 'user-apr',
      title: TITLE,
      spec: emptyChart(TITLE, `Not enough history yet: needs paid periods spanning at least ${MIN_ANNUALISED_TEXT}.`),
    };
  }
  const shown = rows.slice(0, MAX_APR_USERS);
  const values = shown.map((a) => ({ user: a.user, percent: a.apr! * 100, label: `${(a.apr! * 100).toFixed(2)} %` }));
  return {
    name: 'user-apr',
    title: TITLE,
    spec: asSpec({
      $schema: SCHEMA,
      title: {
        text: TITLE,
        subtitle: [
          `APR = Σ paid / Σ (mean stake in the period × its length) × 1 year, over paid periods spanning at least ${MIN_ANNUALISED_TEXT}`,
          'Referral income included; the mean stake is taken from the snapshots in each period',
          rows.length > shown.length ? `The ${shown.length} highest of ${rows.length} users` : 'Every user with stake in a paid period',
        ],
      },
      width: 520,
      height: Math.max(60, 22 * shown.length),
      data: { values },
      encoding: {
        y: { field: 'user', type: 'nominal', title: 'User', sort: shown.map((a) => a.user) },
        x: { field: 'percent', type: 'quantitative', title: 'Effective APR (% a year)' },
      },
      layer: [
        { mark: { type: 'bar', color: '#4c78a8' }, encoding: { tooltip: [{ field: 'user', type: 'nominal' }, { field: 'percent', type: 'quantitative', title: 'APR (%)', format: '.3f' }] } },
        { mark: { type: 'text', align: 'left', dx: 4, fontSize: 11 }, encoding: { text: { field: 'label' } } },
      ],
      config: chartConfig,
    }),
  };
}
