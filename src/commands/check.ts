import type { ArgumentsCamelCase, Argv } from 'yargs';
import { NOTICE_DAYS } from '../workbook/notices.js';
import { formatProblems, openStore, type WorkbookArgs } from './common.js';

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs;
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const store = await openStore(argv.workbook);
  const { data, problems } = await store.readWithProblems();
  const notices = store.activeNotices();
  if (problems.length === 0) console.log(`No problems: ${data.users.length} users, ${data.referrals.length} referrals.`);
  else console.log(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${argv.workbook}:\n${formatProblems(problems)}`);
  // What ValTrac did on its own lately (re-applied an older copy's missing changes, a change it could not apply).
  if (notices.length > 0) console.log(`Notices (also in the Problems sheet for ${NOTICE_DAYS} days):\n${formatProblems(notices)}`);
  if (problems.length > 0) process.exitCode = 1;
}
