import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import type { StakePayment } from '../domain/delivered.js';
import { connect, release } from '../chain/connect.js';
import { validatorIdentity } from '../chain/identity.js';
import { explorerFor } from '../domain/explorer.js';
import { nameKey } from '../domain/names.js';
import { fileSlug, statements, type Statement } from '../domain/statement.js';
import { statementPage } from '../statements/render.js';
import { TAX_FORMATS, taxCsv, type TaxFormat } from '../statements/taxFiles.js';
import { SendLog } from '../workbook/sendLog.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import { UserError } from '../util/errors.js';
import { withArchive } from '../workbook/archive.js';
import { WorkbookStore } from '../workbook/store.js';
import type { WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

interface StatementsArgs extends WorkbookArgs {
  plan?: string;
  year?: number;
  user?: string;
  format: TaxFormat;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<StatementsArgs> {
  return yargs
    .option('plan', { type: 'string', describe: 'Only this paid plan (its id in Payouts, e.g. P599-91e2f77e)' })
    .option('year', { type: 'number', describe: 'Only the payouts paid in this year (UTC)' })
    .option('user', { type: 'string', describe: 'Only this user (a name from Payouts, any case)' })
    .option('format', { choices: TAX_FORMATS, default: 'koinly' as TaxFormat, describe: "The yearly CSV's layout: Koinly's universal template or CoinTracker's CSV" })
    .conflicts('plan', 'year')
    .example('valtrac statements', 'every paid period, every user')
    .example('valtrac statements --year 2026 --user alice', "alice's 2026 pages and her 2026 CSV")
    .example('valtrac statements --year 2026 --format cointracker', "every user's 2026 CSV for CoinTracker") as unknown as Argv<StatementsArgs>;
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
export interface StatementOptions {
  plan?: string;
  year?: number;
  user?: string;
  format?: TaxFormat;
  /** The validator's on-chain identity name, where its owner set one (read from the node by the handler). */
  validatorName?: string | null;
}

/** What each payment made as stake sent per subnet and what arrived, from the send log, by plan and user. */
export function stakePayments(log: SendLog): (planId: string, user: string) => StakePayment | null {
  const found = new Map<string, StakePayment>();
  for (const batch of log.paidBatches()) {
    for (const p of batch.payments ?? []) {
      if (p.parts.length === 0) continue;
      const received = batch.received?.find((r) => r.user === p.user);
      found.set(`${batch.planId}\u0000${p.user}`, {
        tao: BigInt(p.tao),
        parts: p.parts.map((part) => ({ netuid: part.netuid, tao: BigInt(part.tao), alpha: BigInt(part.alpha) })),
        received: received ? new Map(received.parts.map((r) => [r.netuid, BigInt(r.alpha)])) : null,
      });
    }
  }
  return (planId, user) => found.get(`${planId}\u0000${user}`) ?? null;
}

export async function writeStatements(workbookPath: string, filter: StatementOptions, now = new Date()): Promise<WrittenStatements> {
  if (filter.year !== undefined && (!Number.isSafeInteger(filter.year) || filter.year < 2000 || filter.year > 9999)) {
    throw new UserError(`--year must be a year such as 2026, not ${filter.year}`);
  }
  const data = await withArchive(workbookPath, await new WorkbookStore(workbookPath).read());
  const all = statements(data.payouts, data.referrals, data.snapshots, stakePayments(SendLog.beside(workbookPath)));
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
  const explorer = explorerFor(data.settings.explorer, data.settings.network);
  const validator = data.settings.hotkey ? { hotkey: data.settings.hotkey, name: filter.validatorName ?? null } : null;
  const pages: string[] = [];
  for (const s of chosen) {
    const file = path.join(dir, fileSlug(s.user), String(yearOf(s)), `${fileSlug(s.planId)}.html`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFileAtomic(file, statementPage(s, { validator, explorer, generatedAt: now }));
    pages.push(file);
  }
  const csvs: string[] = [];
  for (const key of new Set(chosen.map((s) => `${yearOf(s)}\u0000${s.user}`))) {
    const [year, name] = key.split('\u0000') as [string, string];
    const file = path.join(dir, fileSlug(name), `${fileSlug(name)}-${year}.csv`);
    await writeFileAtomic(file, taxCsv(all.filter((s) => s.user === name && String(yearOf(s)) === year), filter.format));
    csvs.push(file);
  }
  return { dir, pages, csvs };
}

/**
 * The validator's identity name from the node in Settings, asked once: a statement is still written without it when the
 * node cannot be reached (it then names the hotkey only), and the person is told why.
 */
async function readValidatorName(workbookPath: string): Promise<string | null> {
  const { settings } = await new WorkbookStore(workbookPath).read();
  if (!settings.hotkey) return null;
  let api: Awaited<ReturnType<typeof connect>> | null = null;
  try {
    api = await connect(settings.network, { argument: 'Settings network', giveUpAfterMs: 0, log: () => undefined });
    return await validatorIdentity(api, settings.hotkey);
  } catch (error) {
    out.line(`The validator's identity name was not read (${(error as Error).message}); the statements name its hotkey only.`);
    return null;
  } finally {
    if (api) await release(api);
  }
}

export async function handler(argv: ArgumentsCamelCase<StatementsArgs>): Promise<void> {
  const validatorName = await readValidatorName(argv.workbook);
  const written = await writeStatements(argv.workbook, { plan: argv.plan, year: argv.year, user: argv.user, format: argv.format, validatorName });
  out.line(
    written.pages.length === 0
      ? 'No paid payout matches: nothing written.'
      : `Wrote ${written.pages.length} statement page(s) and ${written.csvs.length} ${argv.format === 'cointracker' ? 'CoinTracker' : 'Koinly'} CSV file(s) in ${written.dir}.`,
  );
}
