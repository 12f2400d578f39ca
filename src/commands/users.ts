import type { ArgumentsCamelCase, Argv } from 'yargs';
import { addUser, removeAddress, removeUser } from '../workbook/edits.js';
import { openStore, reportOutcome, type WorkbookArgs } from './common.js';

interface NameArgs extends WorkbookArgs {
  name: string;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs
    .command(
      'add <name> <addresses..>',
      'Add a user with one or more coldkeys, or add coldkeys to an existing user',
      (y) => y.positional('name', { type: 'string', demandOption: true }).positional('addresses', { type: 'string', array: true, demandOption: true }),
      async (argv: ArgumentsCamelCase<NameArgs & { addresses: string[] }>) => {
        const store = await openStore(argv.workbook);
        reportOutcome(await addUser(store, String(argv.name), argv.addresses.map(String)), `Added ${argv.name}`, argv.workbook);
      },
    )
    .command(
      'remove <name>',
      'Remove a user (remove their referrals first)',
      (y) => y.positional('name', { type: 'string', demandOption: true }),
      async (argv: ArgumentsCamelCase<NameArgs>) => {
        const store = await openStore(argv.workbook);
        reportOutcome(await removeUser(store, String(argv.name)), `Removed ${argv.name}`, argv.workbook);
      },
    )
    .command(
      'remove-address <name> <address>',
      "Remove one coldkey from a user's row",
      (y) => y.positional('name', { type: 'string', demandOption: true }).positional('address', { type: 'string', demandOption: true }),
      async (argv: ArgumentsCamelCase<NameArgs & { address: string }>) => {
        const store = await openStore(argv.workbook);
        reportOutcome(await removeAddress(store, String(argv.name), String(argv.address)), `Removed ${argv.address} from ${argv.name}`, argv.workbook);
      },
    )
    .demandCommand(1, 'Name an action: add, remove or remove-address.')
    .example('valtrac users add Alice 5Grw...utQY', '');
}

export function handler(): void {}
