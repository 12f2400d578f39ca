import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderPng } from '../src/charts/render.js';
import { allCharts, writeCharts } from '../src/charts/write.js';
import type { ChartData } from '../src/charts/data.js';
import { MAX_CHART_SNAPSHOTS } from '../src/charts/program.js';
import { poolReturns } from '../src/domain/returns.js';
import { evenlySpaced } from '../src/domain/sample.js';
import { seededChartData } from './fixtures/chart-data.js';
import { inspectPage } from './helpers/chromium.js';
import { readSvg } from './helpers/svg.js';

const NAMES = ['validator-stake', 'returns', 'user-stakes', 'payouts', 'shares'];

async function renderInto(data: ChartData) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-charts-'));
  await writeCharts(dir, data, 'valtrac.xlsx', new Date(Date.UTC(2026, 0, 6)));
  const svg = async (name: string) => readSvg(await readFile(path.join(dir, `${name}.svg`), 'utf8'));
  return { dir, svg };
}

/** The data values a chart's spec carries, whatever the layering (top-level, layers, vconcat panels). */
function specValues(name: string, data: ChartData): Record<string, unknown>[] {
  const spec = allCharts(data).find((c) => c.name === name)!.spec as any;
  const parts = [spec, ...(spec.layer ?? []), ...(spec.vconcat ?? [])];
  return parts.flatMap((p) => p.data?.values ?? []);
}

describe('charts from the seeded program', () => {
  const data = seededChartData();

  test('writes one SVG and one PNG per chart and an index page', async () => {
    const { dir } = await renderInto(data);
    const files = (await readdir(dir)).sort();
    expect(files).toEqual([...NAMES.flatMap((n) => [`${n}.png`, `${n}.svg`]), 'index.html'].sort());
    for (const n of NAMES) {
      const png = await readFile(path.join(dir, `${n}.png`));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
      const svg = readSvg(await readFile(path.join(dir, `${n}.svg`), 'utf8'));
      // PNGs are rendered at twice the SVG size.
      expect(png.readUInt32BE(16)).toBe(svg.width * 2);
      expect(png.readUInt32BE(20)).toBe(svg.height * 2);
    }
    const html = await readFile(path.join(dir, 'index.html'), 'utf8');
    for (const n of NAMES) expect(html).toContain(`src="${n}.svg"`);
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  });

  test('validator stake: three series at every snapshot, in TAO', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('validator-stake');
    expect(chart.texts('axis-title')).toEqual(expect.arrayContaining(['Stake (TAO)', 'Pool (TAO)', 'Snapshot time (UTC)']));
    expect(chart.count('symbol', 'mark')).toBe(8 * 3);
    expect(chart.texts('legend-label')).toEqual(['Total stake', 'Nominator stake']);
    // Hand-computed: snapshot 0 has 100 + 50 + 20 TAO of nominators and a 0.01 TAO pool; snapshot 3 the largest pool.
    const values = specValues('validator-stake', data);
    expect(values).toContainEqual(expect.objectContaining({ block: 1000, series: 'Total stake', tao: 170.01 }));
    expect(values).toContainEqual(expect.objectContaining({ block: 1000, series: 'Nominator stake', tao: 170 }));
    expect(values).toContainEqual(expect.objectContaining({ block: 1900, series: 'Delegate stake (pool)', tao: 0.04 }));
    expect(values).toContainEqual(expect.objectContaining({ block: 3100, series: 'Total stake', tao: 214.08 }));
    // The pool axis spans 0 .. 0.08 TAO: its labels are exactly the round ticks of that range.
    expect(chart.texts('axis-label')).toEqual(expect.arrayContaining(['0.00', '0.02', '0.04', '0.06', '0.08']));
    expect(chart.texts('axis-label')).toEqual(expect.arrayContaining(['170', '180', '190', '200', '210']));
  });

  test('returns: one point per interval without a payout, the formula in the subtitle', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('returns');
    expect(chart.texts('axis-title')).toEqual(expect.arrayContaining(['Annualised return (%)', 'Snapshot time (UTC)']));
    expect(chart.texts('title-subtitle').join(' ')).toContain('APR = (D₂ − D₁) / N₁ × (1 year / (t₂ − t₁))');
    // 7 intervals; the payout at block 2050 falls in 1900..2200, which is left out.
    expect(chart.count('symbol', 'mark')).toBe(6);
    const values = specValues('returns', data);
    // 0.01 TAO per hour on 170 TAO, times 8766 hours a year = 51.5647...%
    expect(values[0]).toMatchObject({ fromBlock: 1000, toBlock: 1300 });
    expect(values[0]!.percent).toBeCloseTo((0.01 / 170) * 8766 * 100, 6);
    expect(values.map((v) => v.toBlock)).not.toContain(2200);
    expect(chart.texts('axis-label')).toEqual(expect.arrayContaining(['0', '10', '20', '30', '40', '50']));
  });

  test("user stakes: a small multiple per user with that user's stake", async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('user-stakes');
    // A wrapped facet titles each cell with the user's name.
    expect(chart.texts('title-text')).toEqual(['alice', 'bob', 'carol', "Each user's stake"]);
    expect(chart.count('symbol', 'mark')).toBe(3 * 8);
    expect(chart.count('line', 'mark')).toBe(3);
    const values = specValues('user-stakes', data);
    // alice: 100 + 2i TAO over her two keys; carol appears at snapshot 4 with 30 TAO.
    expect(values).toContainEqual(expect.objectContaining({ user: 'alice', block: 3100, tao: 114 }));
    expect(values).toContainEqual(expect.objectContaining({ user: 'carol', block: 1900, tao: 0 }));
    expect(values).toContainEqual(expect.objectContaining({ user: 'carol', block: 2200, tao: 30 }));
  });

  test('payouts: stacked amounts per period with the pool labelled', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('payouts');
    expect(chart.texts('axis-title')).toEqual(expect.arrayContaining(['TAO', 'Period (blocks, status)']));
    // 6 bars (3 users x 2 periods) and 2 pool ticks.
    expect(chart.count('rect', 'mark')).toBe(6 + 2);
    expect(chart.texts('mark')).toEqual(['0.0400', '0.0150']);
    expect(chart.texts('axis-label')).toEqual(expect.arrayContaining(['1000–1900 paid', '2200–3100 planned']));
    expect(chart.texts('legend-label')).toEqual(['alice', 'bob', 'carol']);
    const values = specValues('payouts', data);
    expect(values).toContainEqual({ period: '1000–1900 paid', user: 'alice', tao: 0.0252 });
    expect(values).toContainEqual({ period: '2200–3100 planned', user: 'carol', tao: 0.001125 });
  });

  test('shares: base and final share per user, labelled with the percentages', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('shares');
    expect(chart.texts('axis-title')).toEqual(expect.arrayContaining(['Share of the pool (%)', 'User']));
    expect(chart.count('rect', 'mark')).toBe(6);
    // alice 50 -> 52.5 (receives 10% of bob's 25), bob 25 -> 30 (pays 2.5, receives 50% of carol's 15), carol 15 -> 7.5.
    expect([...chart.texts('mark')].sort()).toEqual(['15.00', '25.00', '30.00', '50.00', '52.50', '7.50'].sort());
  });

  test('index.html opens from disk in headless Chromium with every image loaded', async () => {
    const { dir } = await renderInto(data);
    const { value, screenshot } = await inspectPage<{ src: string; width: number }[]>(
      path.join(dir, 'index.html'),
      'Array.from(document.images, (i) => ({ src: i.getAttribute("src"), width: i.naturalWidth }))',
    );
    expect(value.map((v) => v.src)).toEqual(NAMES.map((n) => `${n}.svg`));
    for (const image of value) expect(image.width, image.src).toBeGreaterThan(0);
    // Kept for a person to look at: VALTRAC_SCREENSHOT=/some/file.png
    if (process.env.VALTRAC_SCREENSHOT) await writeFile(process.env.VALTRAC_SCREENSHOT, screenshot);
    expect(screenshot.subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);
});

describe('charts before anything is recorded', () => {
  test('every chart renders a sentence instead of empty axes', async () => {
    const empty: ChartData = { snapshots: [], userStakes: [], returns: [], payouts: [], shares: [], sharesPeriod: '' };
    const { svg } = await renderInto(empty);
    for (const n of NAMES) {
      const chart = await svg(n);
      expect(chart.texts('mark').join(' '), n).toMatch(/yet|Needs two snapshots/);
    }
  });

  test('a PNG is rendered with DejaVu Sans (text pixels differ from a serif fallback)', () => {
    const text = (family: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="40"><text x="5" y="28" font-family="${family}" font-size="24">Stake 123</text></svg>`;
    expect(renderPng(text('DejaVu Sans')).equals(renderPng(text('DejaVu Serif')))).toBe(false);
  });
});

describe('charts of a long history', () => {
  test('a year of snapshots is drawn from 500, and 30 users from the 24 largest', async () => {
    const HOUR = 3_600_000;
    const start = Date.UTC(2025, 0, 1);
    const snapshots = Array.from({ length: 8760 }, (_, i) => ({
      block: 300 * i,
      blockHash: '0x',
      time: new Date(start + i * HOUR),
      totalStake: 1_000_000_000_000n + BigInt(i) * 1_000_000n,
      delegateStake: BigInt(i) * 1_000_000n,
      nominatorStake: 1_000_000_000_000n,
      nominators: 30,
      usersStake: 1_000_000_000_000n,
    }));
    const sampled = evenlySpaced(snapshots, MAX_CHART_SNAPSHOTS);
    // user k holds k+1 TAO at every sampled snapshot
    const userStakes = sampled.flatMap((s) =>
      Array.from({ length: 30 }, (_, k) => ({ user: `user${String(k).padStart(2, '0')}`, block: s.block, time: s.time, stake: BigInt(k + 1) * 1_000_000_000n })),
    );
    const data: ChartData = { snapshots: sampled, userStakes, returns: poolReturns(sampled), payouts: [], shares: [], sharesPeriod: '' };
    const { svg } = await renderInto(data);
    const validator = await svg('validator-stake');
    expect(validator.count('symbol', 'mark')).toBe(0);
    expect(validator.count('line', 'mark')).toBe(3);
    const stakes = await svg('user-stakes');
    expect(stakes.texts('title-subtitle').join(' ')).toContain('The 24 largest of 30 users by current stake');
    // the panels are the 24 largest, largest first: user29 .. user06
    const panels = stakes.texts('title-text').filter((t) => t.startsWith('user'));
    expect(panels).toEqual(Array.from({ length: 24 }, (_, i) => `user${String(29 - i).padStart(2, '0')}`));
    expect(stakes.count('line', 'mark')).toBe(24);
    // each 1,000,000 RAO per hour on 1,000 TAO: 1e-6 per hour * 8766 = 0.8766 % a year, whatever the spacing
    for (const r of data.returns) expect(r.poolApr).toBeCloseTo(0.008766, 9);
  }, 120_000);
});
