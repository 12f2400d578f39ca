import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ChartData, ChartSpec } from './data.js';
import { indexPage } from './index-page.js';
import { cumulativePaidChart } from './cumulative-paid.js';
import { nextPayoutChart } from './next-payout.js';
import { nominatorsChart } from './nominators.js';
import { payablePoolChart } from './payable-pool.js';
import { payoutsChart } from './payouts.js';
import { referralsChart } from './referrals.js';
import { userAprChart } from './user-apr.js';
import { renderChart, type RenderedChart } from './render.js';
import { returnsChart } from './returns.js';
import { sharesChart } from './shares.js';
import { userStakesChart } from './user-stakes.js';
import { validatorStakeChart } from './validator-stake.js';

export function allCharts(data: ChartData): ChartSpec[] {
  return [
    payablePoolChart(data),
    nextPayoutChart(data),
    validatorStakeChart(data),
    nominatorsChart(data),
    returnsChart(data),
    payoutsChart(data),
    cumulativePaidChart(data),
    userAprChart(data),
    userStakesChart(data),
    sharesChart(data),
    referralsChart(data),
  ];
}

/** Write via a temp name and rename, so a browser reloading the page never sees half a file. */
async function writeAtomically(file: string, content: string | Buffer): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`;
  await writeFile(temp, content);
  await rename(temp, file);
}

/** Renders every chart into `dir` as `<name>.svg` and `<name>.png`, then `index.html`. Returns the files written. */
export async function writeCharts(dir: string, data: ChartData, workbookName: string, now = new Date()): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const rendered: RenderedChart[] = [];
  for (const chart of allCharts(data)) rendered.push(await renderChart(chart));
  const files: string[] = [];
  for (const chart of rendered) {
    const svg = path.join(dir, `${chart.name}.svg`);
    const png = path.join(dir, `${chart.name}.png`);
    await writeAtomically(svg, chart.svg);
    await writeAtomically(png, chart.png);
    files.push(svg, png);
  }
  const index = path.join(dir, 'index.html');
  await writeAtomically(index, indexPage(rendered, now, workbookName));
  files.push(index);
  return files;
}
