import fs from 'node:fs';
import type { ArgumentsCamelCase, Argv } from 'yargs';
import { UserError } from '../util/errors.js';
import { importUsers } from '../workbook/edits.js';
import { openStore, reportOutcome, type WorkbookArgs } from './common.js';

interface ImportArgs extends WorkbookArgs {
  file: string;
  replace: boolean;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<ImportArgs> {
  return yargs
    .positional('file', { type: 'string', demandOption: true, describe: 'CSV with a header row Name,Address1,Address2,...' })
    .option('replace', { type: 'boolean', default: false, describe: 'Replace all users instead of adding to them' })
    .example('valtrac import-users users.csv', 'add new users, merge new addresses into existing ones');
}

export async function handler(argv: ArgumentsCamelCase<ImportArgs>): Promise<void> {
  let csv: string;
  try {
    csv = fs.readFileSync(argv.file, 'utf8');
  } catch (error) {
    throw new UserError(`Cannot read ${argv.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Check the path.`);
  }
  const store = await openStore(argv.workbook);
  const { outcome, users } = await importUsers(store, argv.file, csv, argv.replace);
  reportOutcome(outcome, `${argv.replace ? 'Replaced Users with' : 'Imported'} ${users} user${users === 1 ? '' : 's'}`, argv.workbook);
}
