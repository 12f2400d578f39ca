import type { ArgumentsCamelCase, Argv } from 'yargs';
import { nameKey } from '../domain/names.js';
import { closest } from '../domain/suggest.js';
import { currentPeriod, estimatePeriod, userStats, validatorStats, type StatsInput } from '../domain/stats.js';
import { toJson, userReport, validatorReport } from '../domain/stats-report.js';
import { UserError } from '../util/errors.js';
import { withArchive } from '../workbook/archive.js';
import { readStakeHistory } from '../workbook/history.js';
import { recordsDir } from '../workbook/records.js';
import { countFromFor } from './counting.js';
import { periodStart } from './charts.js';
import { WorkbookStore } from '../workbook/store.js';
import type { WorkbookArgs } from './common.js';

interface StatsArgs extends WorkbookArgs {
  user?: string;
  json: boolean;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<StatsArgs> {
  return yargs
    .positional('user', { type: 'string', describe: 'A name from the Users sheet' })
    .option('json', { type: 'boolean', default: false, describe: 'Print JSON (amounts in RAO as strings)' })
    .example('valtrac stats', 'validator summary')
    .example('valtrac stats alice --json', 'one user, for scripts') as unknown as Argv<StatsArgs>;
}

/** Reads what the statistics need: the workbook and the registered users' stakes from the snapshot records. */
export async function statsInput(workbookPath: string): Promise<StatsInput> {
  const data = await withArchive(workbookPath, await new WorkbookStore(workbookPath).read());
  // Only the current period's records (and the newest, which is in it) are needed: a long history is not read.
  const countFrom = await countFromFor(recordsDir(workbookPath), data);
  const { records, takePpm } = await readStakeHistory(workbookPath, data.users, { fromBlock: periodStart(data.payouts), countFrom });
  return { ...data, records, takePpm };
}

/** The statistics as text (what the menu shows) or JSON. */
export async function statsText(workbookPath: string, user: string | undefined, json: boolean): Promise<string> {
  const input = await statsInput(workbookPath);
  const validator = validatorStats(input);
  if (user === undefined) return json ? toJson(validator) : validatorReport(validator);
  const found = input.users.find((u) => nameKey(u.name) === nameKey(user));
  if (!found) {
    const known = input.users.map((u) => u.name).join(', ') || 'none yet';
    const near = closest(user, input.users.map((u) => u.name));
    throw new UserError(`USER argument: there is no user "${user}" in the Users sheet${near ? `. Did you mean ${near}?` : ''} (users: ${known}).`);
  }
  const period = currentPeriod(input.snapshots, input.payouts);
  const estimate = period && estimatePeriod(input, period);
  const stats = userStats(input, found, estimate, period);
  return json ? toJson(stats) : userReport(stats);
}

export async function handler(argv: ArgumentsCamelCase<StatsArgs>): Promise<void> {
  console.log(await statsText(argv.workbook, argv.user, argv.json));
}
