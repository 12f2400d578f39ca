import type { ArgumentsCamelCase, Argv } from 'yargs';
import { connect, release } from '../chain/connect.js';
import { identityNames as identityNamesOf } from '../chain/identity.js';
import { nameKey } from '../domain/names.js';
import { unregisteredNominators, unregisteredReport } from '../domain/unregistered.js';
import { closest } from '../domain/suggest.js';
import { currentPeriod, estimatePeriod, userStats, validatorStats, type StatsInput } from '../domain/stats.js';
import { toJson, userReport, validatorReport } from '../domain/stats-report.js';
import { UserError } from '../util/errors.js';
import { withArchive } from '../workbook/archive.js';
import { readStakeHistory } from '../workbook/history.js';
import { listRecords, readRecord, recordsDir } from '../workbook/records.js';
import { countFromFor } from './counting.js';
import { periodStart } from './charts.js';
import { WorkbookStore } from '../workbook/store.js';
import type { WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

interface StatsArgs extends WorkbookArgs {
  user?: string;
  json: boolean;
  unregistered: boolean;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<StatsArgs> {
  return yargs
    .positional('user', { type: 'string', describe: 'A name from the Users sheet' })
    .option('json', { type: 'boolean', default: false, describe: 'Print JSON (amounts in RAO as strings)' })
    .option('unregistered', {
      type: 'boolean',
      default: false,
      describe: 'List the nominators who are not users (stake, identity name where set), largest first: the people to invite',
    })
    .example('valtrac stats', 'validator summary')
    .example('valtrac stats alice --json', 'one user, for scripts')
    .example('valtrac stats --unregistered', 'who stakes on the validator without being a user') as unknown as Argv<StatsArgs>;
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

/**
 * The nominators at the newest snapshot who are not users, from its record (every nominator is kept there), with the
 * identity names the node in Settings knows; without a reachable node the list is printed without names.
 */
export async function unregisteredText(workbookPath: string, json: boolean): Promise<string> {
  const { users, settings } = await new WorkbookStore(workbookPath).read();
  const dir = recordsDir(workbookPath);
  const newest = (await listRecords(dir)).at(-1);
  if (newest === undefined) return json ? toJson({ block: null, nominators: [] }) : 'No snapshot recorded yet (start logging: valtrac snapshot).';
  const record = await readRecord(dir, newest);
  const list = unregisteredNominators(record.nominators, users);
  const names = await readIdentityNames(settings.network, list.map((n) => n.coldkey));
  const named = list.map((n) => ({ ...n, name: names?.get(n.coldkey) ?? null }));
  const nominatorStake = record.nominators.reduce((sum, n) => sum + n.stake, 0n);
  return json ? toJson({ block: newest, nominatorStake, nominators: named }) : unregisteredReport(newest, nominatorStake, named, names !== null);
}

/** Identity names by coldkey from the node, asked once; null when the node cannot be reached. */
async function readIdentityNames(network: string, coldkeys: readonly string[]): Promise<Map<string, string | null> | null> {
  if (coldkeys.length === 0) return new Map();
  let api: Awaited<ReturnType<typeof connect>> | null = null;
  try {
    api = await connect(network, { argument: 'Settings network', giveUpAfterMs: 0, log: () => undefined });
    return await identityNamesOf(api, coldkeys);
  } catch {
    return null;
  } finally {
    if (api) await release(api);
  }
}

export async function handler(argv: ArgumentsCamelCase<StatsArgs>): Promise<void> {
  // Not yargs' conflicts(): a boolean with a default always counts as given there.
  if (argv.unregistered && argv.user !== undefined) throw new UserError('--unregistered lists the nominators who are not users: leave out the USER argument');
  out.line(argv.unregistered ? await unregisteredText(argv.workbook, argv.json) : await statsText(argv.workbook, argv.user, argv.json));
}
