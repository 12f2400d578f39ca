import type { ArgumentsCamelCase, Argv } from 'yargs';
import { runMenu } from './main.js';
import { Prompter } from './prompter.js';
import { UserError } from '../util/errors.js';
import type { WorkbookArgs } from '../commands/common.js';

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs.example('valtrac menu --workbook workbook/valtrac.xlsx', '');
}

export async function handler(argv: ArgumentsCamelCase<WorkbookArgs>): Promise<void> {
  if (argv._[0] !== 'menu' && !process.stdin.isTTY) {
    throw new UserError('Name a command (valtrac --help lists them); the menu opens without one only in a terminal.', 2);
  }
  await runMenu(new Prompter(), argv.workbook);
}
