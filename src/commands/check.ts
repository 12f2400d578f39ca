import type { ArgumentsCamelCase, Argv } from 'yargs';
import { missingSettings } from '../domain/settings.js';
import { NOTICE_DAYS } from '../workbook/notices.js';
import { formatProblems, openStore, type WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs;
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const store = await openStore(argv.workbook);
  const { data, problems, settingsCells } = await store.readParsed();
  const notices = store.activeNotices();
  // Empty settings are not problems (the sheet is filled in step by step), but "No problems" alone would hide them.
  const missing = missingSettings(data.settings, settingsCells).map((m) => `  ${m.place} is empty; ${m.neededBy} needs it: ${m.command}`);
  const todo = missing.length ? `\nStill to fill in:\n${missing.join('\n')}` : '';
  if (problems.length === 0) out.line(`No problems: ${data.users.length} users, ${data.referrals.length} referrals.${todo}`);
  else out.line(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${argv.workbook}:\n${formatProblems(problems)}${todo}`);
  // What ValTrac did on its own lately (re-applied an older copy's missing changes, a change it could not apply).
  if (notices.length > 0) out.line(`Notices (also in the Problems sheet for ${NOTICE_DAYS} days):\n${formatProblems(notices)}`);
  if (problems.length > 0) process.exitCode = 1;
}
