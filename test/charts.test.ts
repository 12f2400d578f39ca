import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderPng } from '../src/charts/render.js';
import { allCharts, writeCharts } from '../src/charts/write.js';
import type { ChartData } from '../src/charts/data.js';
import { MAX_CHART_SNAPSHOTS, programCharts } from '../src/charts/program.js';
import { poolReturns } from '../src/domain/returns.js';
import { evenlySpaced } from '../src/domain/sample.js';
import { seededChartData } from './fixtures/chart-data.js';
import { programChartData } from './fixtures/chart-program.js';
import { inspectPage } from './helpers/chromium.js';
import { CHART_NAMES } from './helpers/charts.js';
import { readSvg } from './helpers/svg.js';

const NAMES = CHART_NAMES;

async function renderInto(data: ChartData) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'valtrac-charts-'));
  await writeCharts(dir, data, 'valtrac.xlsx', new Date(Date.UTC(2026, 0, 6)));
  const svg = async (name: string) => readSvg(await readFile(path.join(dir, `${name}.svg`), 'utf8'));
  return { dir, svg };
}

/** Every view of a spec: itself, its layers, its concatenated panels and a facet's inner spec, all the way down. */
function views(spec: any): any[] {
  const children = [...(spec.layer ?? []), ...(spec.vconcat ?? []), ...(spec.spec ? [spec.spec] : [])];
  return [spec, ...children.flatMap(views)];
}

/** The data values a chart's spec carries, whatever the layering (top-level, layers, vconcat panels). */
function specValues(name: string, data: ChartData): Record<string, unknown>[] {
  const spec = allCharts(data).find((c) => c.name === name)!.spec as any;
  return views(spec).flatMap((p) => p.data?.values ?? []);
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

  test('validator stake: nominator and total stake each on its own scale, with the payout marked', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('validator-stake');
    expect(chart.texts('axis-title')).toEqual(expect.arrayContaining(['Nominator stake (TAO)', 'Total stake (TAO)', 'Time (UTC)']));
    expect(chart.count('symbol', 'mark')).toBe(8 * 2);
    // the payout of plan p1 (block 2050, between the snapshots of 03:00 and 04:00) in each panel, labelled
    expect(chart.count('rule', 'mark')).toBe(2);
    expect(chart.texts('mark')).toEqual(['paid 0.0360 TAO', 'paid 0.0360 TAO']);
    // Hand-computed: snapshot 0 has 100 + 50 + 20 TAO of nominators and a 0.01 TAO pool.
    const values = specValues('validator-stake', data);
    expect(values).toContainEqual(expect.objectContaining({ block: 1000, series: 'Total stake', tao: 170.01 }));
    expect(values).toContainEqual(expect.objectContaining({ block: 1000, series: 'Nominator stake', tao: 170 }));
    expect(values).toContainEqual(expect.objectContaining({ block: 3100, series: 'Total stake', tao: 214.08 }));
    expect(values).toContainEqual(expect.objectContaining({ planId: 'p1', block: 2050, time: '2026-01-05T03:30:00.000Z', paid: 0.036 }));
    expect(chart.texts('axis-label')).toEqual(expect.arrayContaining(['170', '180', '190', '200', '210']));
  });

  test('payable pool: the take accrued since the last payout, starting again at 0, and where the pool went at the payout', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('payable-pool');
    expect(chart.texts('axis-title')).toEqual(['Time (UTC)', 'Pool (TAO)']);
    expect(chart.texts('legend-label')).toEqual(['Take accrued since the last payout', 'Allocated to registered users', 'Paid to users', 'Kept by the owner']);
    const values = specValues('payable-pool', data);
    // 0.01 TAO an hour; plan p1 closed the period at block 1900, so the pool restarts there
    expect(values.filter((v) => v.period === 0).map((v) => v.tao)).toEqual([0, 0.01, 0.02, 0.03]);
    expect(values.filter((v) => v.period === 1).map((v) => [v.block, v.tao])).toEqual([[1900, 0], [2200, 0.01], [2500, 0.02], [2800, 0.03], [3100, 0.04]]);
    // p1's pool of 0.04 TAO: 0.036 allocated to registered users and paid, 0.004 kept by the owner (the figures of domain/money.ts)
    expect(values).toContainEqual(expect.objectContaining({ planId: 'p1', series: 'Allocated to registered users', tao: 0.036, pool: 0.04 }));
    expect(values).toContainEqual(expect.objectContaining({ planId: 'p1', series: 'Paid to users', tao: 0.036 }));
    expect(values).toContainEqual(expect.objectContaining({ planId: 'p1', series: 'Kept by the owner', tao: 0.004 }));
    expect(chart.texts('title-subtitle').join(' ')).toContain('the rest of the pool, kept by the owner');
    expect(chart.count('line', 'mark')).toBe(2);
    expect(chart.count('rule', 'mark')).toBe(1);
  });

  test('next payout: the period so far, and with one paid period of 3 hours, the projection to when the next is due', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('next-payout');
    expect(chart.texts('axis-title')).toEqual(['Time (UTC)', 'Pool accrued (TAO)']);
    const subtitle = chart.texts('title-subtitle').join(' ');
    // since block 1900 (03:00): 0.04 TAO in 4 hours; users hold 194 of 214 TAO at the newest snapshot
    expect(subtitle).toContain('Now (2026-01-05 07:00): 0.040000000 TAO accrued since block 1900, 0.240000000 TAO a day');
    expect(subtitle).toContain('≈ 0.036261682 TAO of it to registered users');
    // the only paid period ran from the first snapshot (00:00) to block 1900 (03:00): due 3 hours after 03:00, which has passed
    expect(subtitle).toContain('Due after the median paid period of 3.0 hours');
    expect(chart.texts('mark')).toEqual(expect.arrayContaining(['due since 2026-01-05 06:00: ≈ 0.0363 TAO to users']));
  });

  test('nominators: registered users against unregistered nominators, stacked', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('nominators');
    expect(chart.texts('axis-title')).toEqual(['Time (UTC)', 'Nominator stake (TAO)']);
    expect(chart.texts('legend-label')).toEqual(['Registered users', 'Not registered']);
    // 194 of 214 TAO at the newest snapshot
    expect(chart.texts('title-subtitle').join(' ')).toContain('registered users hold 90.65 % of 214.00 TAO of nominator stake');
    const values = specValues('nominators', data);
    expect(values).toContainEqual(expect.objectContaining({ block: 1000, series: 'Not registered', tao: 20 }));
    expect(values).toContainEqual(expect.objectContaining({ block: 3100, series: 'Registered users', tao: 194 }));
  });

  test('cumulative paid: one step line per user paid, and effective APR per user', async () => {
    const { svg } = await renderInto(data);
    const paid = await svg('cumulative-paid');
    expect(paid.texts('axis-title')).toEqual(['Time (UTC)', 'Paid so far (TAO)']);
    // carol was paid 0 in the only paid plan: no line for her
    expect(paid.texts('legend-label')).toEqual(['alice', 'bob']);
    expect(specValues('cumulative-paid', data)).toContainEqual(expect.objectContaining({ user: 'alice', planId: 'p1', tao: 0.0252 }));
    // one paid period of 3 hours is no yearly rate: the chart says so instead of ~270 % a year
    const apr = await svg('user-apr');
    expect(apr.texts('axis-title')).toEqual([]);
    expect(apr.texts('mark')).toEqual(['Not enough history yet: needs paid periods spanning at least 7 days.']);
  });

  test('referral forest: a row per person, a column per layer, each line with its tax', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('referrals');
    expect(chart.texts('mark')).toEqual(expect.arrayContaining(['alice', 'bob', 'carol', 'Layer 1', 'Layer 2', 'Layer 3', '10 %', '50 %']));
    expect(data.forest.nodes).toEqual([
      { name: 'alice', layer: 1, row: 0 },
      { name: 'bob', layer: 2, row: 1 },
      { name: 'carol', layer: 3, row: 2 },
    ]);
    // two elbow segments per referral
    expect(chart.count('rule', 'mark')).toBe(4);
  });

  test('returns: 4 hours of snapshots are not annualised; the chart says why', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('returns');
    expect(data.returns).toEqual([]);
    expect(chart.texts('mark')).toEqual(['Not enough history yet: returns are annualised over at least 7 days.']);
  });

  test("user stakes: a small multiple per user with that user's stake, all on one scale", async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('user-stakes');
    // A wrapped facet titles each cell with the user's name.
    expect(chart.texts('title-text')).toEqual(['alice', 'bob', 'carol', "Each user's stake"]);
    expect(chart.count('symbol', 'mark')).toBe(3 * 8);
    expect(chart.count('line', 'mark')).toBe(3);
    // one payout line in each panel
    expect(chart.count('rule', 'mark')).toBe(3);
    // one y axis for the row of panels, from 0 to alice's 114 TAO: the panels compare
    expect(chart.texts('axis-title').filter((t) => t === 'Stake (TAO)')).toHaveLength(1);
    const values = specValues('user-stakes', data);
    // alice: 100 + 2i TAO over her two keys; carol appears at snapshot 4 with 30 TAO.
    expect(values).toContainEqual(expect.objectContaining({ user: 'alice', block: 3100, tao: 114 }));
    expect(values).toContainEqual(expect.objectContaining({ user: 'carol', block: 1900, tao: 0 }));
    expect(values).toContainEqual(expect.objectContaining({ user: 'carol', block: 2200, tao: 30 }));
  });

  test('user stakes: a user who never had stake gets no empty panel', () => {
    const withDan = { ...data, userStakes: [...data.userStakes, ...data.snapshots.map((s) => ({ user: 'dan', block: s.block, time: s.time, stake: 0n }))] };
    const spec = allCharts(withDan).find((c) => c.name === 'user-stakes')!.spec as any;
    expect(spec.facet.sort).toEqual(['alice', 'bob', 'carol']);
    expect(spec.title.subtitle.join(' ')).toContain('1 user(s) without any stake not shown');
  });

  test('payouts: stacked amounts per period with the pool labelled', async () => {
    const { svg } = await renderInto(data);
    const chart = await svg('payouts');
    expect(chart.texts('axis-title')).toEqual(expect.arrayContaining(['Amount (TAO)', 'Period (blocks, status)']));
    // 6 bars (3 users x 2 periods) and 2 pool ticks.
    expect(chart.count('rect', 'mark')).toBe(6 + 2);
    // each user's amount where it fits (carol's 0 and 0.001125 do not), then each pool with its unit
    expect(chart.texts('mark')).toEqual(['0.0252', '0.0108', '0.0079', '0.0045', 'pool 0.0400 TAO', 'pool 0.0150 TAO']);
    expect(chart.texts('axis-label')).toEqual(expect.arrayContaining(['1000–1900 paid', '2200–3100 planned']));
    expect(chart.texts('legend-label')).toEqual(['alice', 'bob', 'carol']);
    const values = specValues('payouts', data);
    expect(values).toContainEqual(expect.objectContaining({ period: '1000–1900 paid', user: 'alice', tao: 0.0252, lo: 0, hi: 0.0252 }));
    expect(values).toContainEqual(expect.objectContaining({ period: '2200–3100 planned', user: 'carol', tao: 0.001125, lo: 0.012375, hi: 0.0135 }));
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
    // the chart carries its own title: the page does not repeat it above it
    expect(await readFile(path.join(dir, 'index.html'), 'utf8')).not.toMatch(/<h2>/);
    // Kept for a person to look at: VALTRAC_SCREENSHOT=/some/file.png
    if (process.env.VALTRAC_SCREENSHOT) await writeFile(process.env.VALTRAC_SCREENSHOT, screenshot);
    expect(screenshot.subarray(1, 4).toString()).toBe('PNG');
  }, 120_000);
});

describe('charts before anything is recorded', () => {
  test('every chart renders a sentence instead of empty axes', async () => {
    const empty: ChartData = {
      snapshots: [], userStakes: [], returns: [], payouts: [], shares: [], sharesPeriod: '',
      payoutMarks: [], accrued: [], next: null, aprs: [], forest: { nodes: [], edges: [] },
    };
    const { svg } = await renderInto(empty);
    for (const n of NAMES) {
      const chart = await svg(n);
      expect(chart.texts('mark').join(' '), n).toMatch(/yet|Needs /);
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
    const data: ChartData = {
      snapshots: sampled, userStakes, returns: poolReturns(sampled), payouts: [], shares: [], sharesPeriod: '',
      ...programCharts({ snapshots, payouts: [], referrals: [] }, userStakes),
    };
    const { svg } = await renderInto(data);
    const validator = await svg('validator-stake');
    expect(validator.count('symbol', 'mark')).toBe(0);
    expect(validator.count('line', 'mark')).toBe(2);
    // the accrued pool is drawn from 500 of the 8,760 snapshots too
    expect(data.accrued).toHaveLength(MAX_CHART_SNAPSHOTS);
    const stakes = await svg('user-stakes');
    expect(stakes.texts('title-subtitle').join(' ')).toContain('The 24 largest of 30 users by current stake');
    // the panels are the 24 largest, largest first: user29 .. user06
    const panels = stakes.texts('title-text').filter((t) => t.startsWith('user'));
    expect(panels).toEqual(Array.from({ length: 24 }, (_, i) => `user${String(29 - i).padStart(2, '0')}`));
    expect(stakes.count('line', 'mark')).toBe(24);
    // each 1,000,000 RAO per hour on 1,000 TAO: 1e-6 per hour * 8766 = 0.8766 % a year, whatever the spacing
    // a point per sampled snapshot once 7 days of history are behind it
    expect(data.returns.length).toBeGreaterThan(400);
    expect(data.returns[0]!.toTime.getTime() - data.returns[0]!.fromTime.getTime()).toBeGreaterThanOrEqual(7 * 86_400_000);
    for (const r of data.returns) expect(r.poolApr).toBeCloseTo(0.008766, 9);
  }, 120_000);
});

describe('charts of six weeks with five weekly payouts', () => {
  const data = programChartData();

  test('every quantitative or time axis names its unit, and no chart repeats a title', () => {
    let checked = 0;
    for (const chart of allCharts(data)) {
      for (const view of views(chart.spec)) {
        for (const channel of ['x', 'y'] as const) {
          const encoding = view.encoding?.[channel];
          if (!encoding || !['quantitative', 'temporal'].includes(encoding.type) || encoding.axis === null || encoding.title === null) continue;
          // a layer that only adds marks on another layer's axis carries no title of its own
          if (encoding.title === undefined) continue;
          expect(encoding.title, `${chart.name} ${channel}`).toMatch(/\((TAO|UTC|% a year|%)\)$/);
          checked++;
        }
      }
      const texts = chart.spec.title as { text: string };
      expect(texts.text).toBe(chart.title);
    }
    expect(new Set(allCharts(data).map((c) => c.title)).size).toBe(NAMES.length);
    // time and amount on payable pool, next payout, nominators, returns, cumulative paid, user stakes (12); both stake
    // panels' amounts and the lower one's time (3); the amount of payouts, the APR bars and shares (3)
    expect(checked).toBe(18);
  });

  test('the marks, the accrued pool and the next payout agree with the payouts', async () => {
    expect(data.payoutMarks.map((m) => m.time.toISOString())).toEqual([
      '2026-03-08T18:08:00.000Z', '2026-03-15T18:08:00.000Z', '2026-03-22T18:08:00.000Z', '2026-03-29T18:08:00.000Z', '2026-04-05T18:08:00.000Z',
    ]);
    expect(data.payoutMarks.every((m) => m.exact)).toBe(true);
    // 0.05 TAO of take per 6 hours: 27 steps in the first week (from its first snapshot), 20 so far in the sixth
    expect(data.accrued.filter((p) => p.period === 0).at(-1)!.accrued).toBe(27n * 50_000_000n);
    expect(data.accrued.filter((p) => p.period === 5).at(-1)!.accrued).toBe(20n * 50_000_000n);
    expect(data.next).toMatchObject({ accrued: 20n * 50_000_000n, perDay: 200_000_000n, typicalPeriodMs: 7 * 86_400_000 });
    expect(data.next!.duePool).toBe(28n * 50_000_000n);
    const { dir, svg } = await renderInto(data);
    const next = await svg('next-payout');
    expect(next.texts('legend-label')).toEqual(['Accrued so far', 'Projected at the rate so far']);
    expect(next.texts('mark')).toContain(`≈ ${(Number(data.next!.dueToUsers!) / 1e9).toFixed(4)} TAO to users, 2026-04-12 18:00`);
    const stakes = await svg('user-stakes');
    expect(stakes.texts('title-subtitle').join(' ')).toContain('1 user(s) without any stake not shown');
    expect(stakes.texts('title-text')).not.toContain('heidi');
    // five payouts: every time chart carries a dashed line for each
    // six weeks are enough to annualise: the returns chart draws windows of at least 7 days and says so
    const returns = await svg('returns');
    expect(returns.texts('title-subtitle').join(' ')).toContain('Each point: the last 7 days (at least) of snapshot intervals');
    expect(returns.texts('title-subtitle').join(' ')).toContain('APR = Σ (D₂ − D₁) / Σ (N₁ × (t₂ − t₁)) × 1 year');
    for (const name of ['payable-pool', 'validator-stake', 'nominators', 'returns', 'cumulative-paid']) {
      const panels = name === 'validator-stake' ? 2 : 1;
      expect((await svg(name)).count('rule', 'mark'), name).toBe(5 * panels);
    }
    const forest = await svg('referrals');
    expect(forest.texts('mark')).toEqual(expect.arrayContaining(['Layer 4', 'erin', '5 %', '12.5 %']));
    // Kept for a person to look at: VALTRAC_SCREENSHOT_DIR=/some/folder gets every PNG and the page
    if (process.env.VALTRAC_SCREENSHOT_DIR) {
      const target = process.env.VALTRAC_SCREENSHOT_DIR;
      for (const n of NAMES) await writeFile(path.join(target, `${n}.png`), await readFile(path.join(dir, `${n}.png`)));
      const { screenshot } = await inspectPage(path.join(dir, 'index.html'), '1');
      await writeFile(path.join(target, 'charts-page.png'), screenshot);
    }
  }, 120_000);
});

describe('the basket escrow in the stake chart', () => {
  test('a third panel shows the escrow apart where a snapshot recorded it, and none without', () => {
    const data = seededChartData();
    expect(specValues('validator-stake', data).some((v) => String(v.series).startsWith('Basket escrow'))).toBe(false);
    const withEscrow: ChartData = { ...data, snapshots: data.snapshots.map((s) => ({ ...s, escrowStake: 300_000_000_000n })) };
    const escrow = specValues('validator-stake', withEscrow).filter((v) => v.series === 'Basket escrow (not a nominator)');
    expect(escrow).toHaveLength(data.snapshots.length);
    expect(escrow.every((v) => v.tao === 300)).toBe(true);
  });
});
