import path from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { chartData } from '../charts/program.js';
import { writeCharts } from '../charts/write.js';
import { readStakeHistory } from '../workbook/history.js';
import { WorkbookStore } from '../workbook/store.js';
import type { WorkbookArgs } from './common.js';

export const command = 'charts';
export const describe = 'Render the charts (SVG, PNG and index.html) into the charts folder beside the workbook';

export function chartsDir(workbookPath: string): string {
  return path.join(path.dirname(workbookPath), 'charts');
}

/**
 * Re-renders every chart from the workbook and the snapshot records; `snapshot` and `confirm` call this after they
 * write. Returns the index page's path.
 */
export async function refreshCharts(workbookPath: string): Promise<string> {
  const program = await new WorkbookStore(workbookPath).read();
  const { records } = await readStakeHistory(workbookPath, program.users);
  const dir = chartsDir(workbookPath);
  await writeCharts(dir, chartData(program, records), path.basename(workbookPath));
  return path.join(dir, 'index.html');
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs.example('valtrac charts', 'writes workbook/charts/index.html; open it in a browser');
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const index = await refreshCharts(argv.workbook);
  console.log(`Charts written: open ${index}`);
}
