import path from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { chartData, MAX_CHART_SNAPSHOTS } from '../charts/program.js';
import { payoutHistory } from '../domain/period.js';
import type { PayoutRow } from '../domain/types.js';
import { handToWatcher } from '../resident/client.js';
import { UserError } from '../util/errors.js';
import { writeCharts } from '../charts/write.js';
import { withArchive } from '../workbook/archive.js';
import { readStakeHistory } from '../workbook/history.js';
import { recordsDir } from '../workbook/records.js';
import { countFromFor } from './counting.js';
import { readRecent } from '../workbook/recentRead.js';
import type { WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

export function chartsDir(workbookPath: string): string {
  return path.join(path.dirname(workbookPath), 'charts');
}

/**
 * The first block whose record the current period's estimate needs: the closed period's last snapshot is the pool's
 * baseline. A partly paid plan has no next period; the charts then need no period records.
 */
export function periodStart(payouts: readonly PayoutRow[]): number {
  try {
    return payoutHistory(payouts).closedThrough ?? 0;
  } catch (error) {
    if (error instanceof UserError) return Number.MAX_SAFE_INTEGER;
    throw error;
  }
}

/**
 * Re-renders every chart from the workbook and the snapshot records; `snapshot` and `confirm` call this after they
 * write. Returns the index page's path.
 */
export async function refreshCharts(workbookPath: string): Promise<string> {
  const program = await withArchive(workbookPath, await readRecent(workbookPath));
  // The charts count users' stake as plan does (Settings: Users count from).
  const countFrom = await countFromFor(recordsDir(workbookPath), program);
  const history = await readStakeHistory(workbookPath, program.users, { maxRecords: MAX_CHART_SNAPSHOTS, countFrom });
  const period = await readStakeHistory(workbookPath, program.users, { fromBlock: periodStart(program.payouts), countFrom });
  const dir = chartsDir(workbookPath);
  await writeCharts(dir, chartData(program, history.records, period.records), path.basename(workbookPath));
  return path.join(dir, 'index.html');
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs.example('valtrac charts', 'writes workbook/charts/index.html; open it in a browser');
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const index = await refreshCharts(argv.workbook);
  out.line(`Charts written: open ${index}`);
}

/**
 * For `snapshot` and `confirm`: a chart that cannot be drawn must never stop them, so this only warns. A watcher of
 * the workbook that takes the job renders them (Vega already loaded) while the command goes on.
 */
export async function refreshChartsQuietly(workbookPath: string, warn: (message: string) => void = out.problem): Promise<void> {
  const full = path.resolve(workbookPath);
  if (await handToWatcher(['charts', '--workbook', full], full)) return;
  try {
    await refreshCharts(workbookPath);
  } catch (error) {
    warn(`charts not refreshed: ${(error as Error).message}`);
  }
}
