import type { ArgumentsCamelCase, Argv } from 'yargs';
import { formatProblems, openStore, type WorkbookArgs } from './common.js';

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs;
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const store = await openStore(argv.workbook);
  const { data, problems } = await store.readWithProblems();
  if (problems.length === 0) {
    console.log(`No problems: ${data.users.length} users, ${data.referrals.length} referrals.`);
    return;
  }
  console.log(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${argv.workbook}:\n${formatProblems(problems)}`);
  process.exitCode = 1;
}
