import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { nameKey } from '../domain/names.js';
import { networkUrl } from '../domain/settings.js';
import { fileSlug, statements, type Statement } from '../domain/statement.js';
import { statementPage, taxCsv } from '../statements/render.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { UserError } from '../util/errors.js';
import { withArchive } from '../workbook/archive.js';
import { WorkbookStore } from '../workbook/store.js';
import type { WorkbookArgs } from './common.js';

interface StatementsArgs extends WorkbookArgs {
  plan?: string;
  year?: number;
  user?: string;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<StatementsArgs> {
  return yargs
    .option('plan', { type: 'string', describe: 'Only this paid plan (its id in Payouts, e.g. P599-91e2f77e)' })
    .option('year', { type: 'number', describe: 'Only the payouts paid in this year (UTC)' })
    .option('user', { type: 'string', describe: 'Only this user (a name from Payouts, any case)' })
    .conflicts('plan', 'year')
    .example('valtrac statements', 'every paid period, every user')
    .example('valtrac statements --year 2026 --user alice', "alice's 2026 pages and her 2026 CSV") as unknown as Argv<StatementsArgs>;
}

export function statementsDir(workbookPath: string): string {
  return path.join(path.dirname(workbookPath), 'statements');
}

export interface WrittenStatements {
  dir: string;
  pages: string[];
  csvs: string[];
}

const yearOf = (s: Statement) => s.paidAt.getUTCFullYear();

/**
 * `statements/<user>/<year>/<plan>.html` for each chosen paid row and `statements/<user>/<user>-<year>.csv` for each
 * (user, year) touched, with every paid row of that user in that year, so a year's CSV is always whole.
 */
export async function writeStatements(workbookPath: string, filter: { plan?: string; year?: number; user?: string }, now = new Date()): Promise<WrittenStatements> {
  if (filter.year !== undefined && (!Number.isSafeInteger(filter.year) || filter.year < 2000 || filter.year > 9999)) {
    throw new UserError(`--year must be a year such as 2026, not ${filter.year}`);
  }
  const data = await withArchive(workbookPath, await new WorkbookStore(workbookPath).read());
  const all = statements(data.payouts, data.referrals, data.snapshots);
  const paidPlans = [...new Set(all.map((s) => s.planId))];
  if (filter.plan !== undefined && !paidPlans.includes(filter.plan)) {
    throw new UserError(`--plan: there is no paid plan "${filter.plan}" in Payouts or workbook/archive/ (paid plans: ${paidPlans.slice(-5).join(', ') || 'none yet'}).`);
  }
  const users = [...new Set(all.map((s) => s.user))];
  const user = filter.user === undefined ? undefined : users.find((u) => nameKey(u) === nameKey(filter.user!));
  if (filter.user !== undefined && user === undefined) {
    throw new UserError(`--user: nobody named "${filter.user}" has been paid (paid users: ${users.slice(0, 10).join(', ') || 'none yet'}).`);
  }
  const chosen = all.filter((s) => (filter.plan === undefined || s.planId === filter.plan) && (filter.year === undefined || yearOf(s) === filter.year) && (user === undefined || s.user === user));
  const dir = statementsDir(workbookPath);
  const nodeUrl = networkUrl(data.settings.network);
  const pages: string[] = [];
  for (const s of chosen) {
    const file = path.join(dir, fileSlug(s.user), String(yearOf(s)), `${fileSlug(s.planId)}.html`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, statementPage(s, { nodeUrl, generatedAt: now }));
    pages.push(file);
  }
  const csvs: string[] = [];
  for (const key of new Set(chosen.map((s) => `${yearOf(s)}\u0000${s.user}`))) {
    const [year, name] = key.split('\u0000') as [string, string];
    const file = path.join(dir, fileSlug(name), `${fileSlug(name)}-${year}.csv`);
    await writeFileAtomic(file, taxCsv(all.filter((s) => s.user === name && String(yearOf(s)) === year)));
    csvs.push(file);
  }
  return { dir, pages, csvs };
}

export async function handler(argv: ArgumentsCamelCase<StatementsArgs>): Promise<void> {
  const written = await writeStatements(argv.workbook, { plan: argv.plan, year: argv.year, user: argv.user });
  console.log(
    written.pages.length === 0
      ? 'No paid payout matches: nothing written.'
      : `Wrote ${written.pages.length} statement page(s) and ${written.csvs.length} CSV file(s) in ${written.dir}.`,
  );
}
