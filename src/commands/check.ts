import type { ArgumentsCamelCase, Argv } from 'yargs';
import { missingSettings } from '../domain/settings.js';
import { formatProblems, openStore, type WorkbookArgs } from './common.js';

export const command = 'check';
export const describe = 'Check the people\'s sheets once and list every problem (exit code 1 if there is any)';

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs;
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  const store = await openStore(argv.workbook);
  const { data, problems, settingsCells } = await store.readParsed();
  // Empty settings are not problems (the sheet is filled in step by step), but "No problems" alone would hide them.
  const missing = missingSettings(data.settings, settingsCells).map((m) => `  ${m.place} is empty; ${m.neededBy} needs it: ${m.command}`);
  const todo = missing.length ? `\nStill to fill in:\n${missing.join('\n')}` : '';
  if (problems.length === 0) {
    console.log(`No problems: ${data.users.length} users, ${data.referrals.length} referrals.${todo}`);
    return;
  }
  console.log(`${problems.length} problem${problems.length === 1 ? '' : 's'} in ${argv.workbook}:\n${formatProblems(problems)}${todo}`);
  process.exitCode = 1;
}
