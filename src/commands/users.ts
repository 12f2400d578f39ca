import type { ArgumentsCamelCase, Argv } from 'yargs';
import { nameKey } from '../domain/names.js';
import { excerpt } from '../domain/text.js';
import type { User } from '../domain/types.js';
import { addressCell } from '../domain/validate.js';
import { addUser, removeAddress, removeUser } from '../workbook/edits.js';
import { openStore, reportOutcome, type WorkbookArgs } from './common.js';
import { out } from '../util/output.js';

interface NameArgs extends WorkbookArgs {
  name: string;
}

export function builder(yargs: Argv<WorkbookArgs>): Argv<WorkbookArgs> {
  return yargs
    .command(
      'list',
      'List every user with their addresses (the first receives payouts)',
      (y) => y,
      async (argv: ArgumentsCamelCase<WorkbookArgs>) => {
        const store = await openStore(argv.workbook);
        out.line(usersList((await store.read()).users));
      },
    )
    .command(
      'add <name> <addresses..>',
      'Add a user with one or more coldkeys, or add coldkeys to an existing user',
      (y) => y.positional('name', { type: 'string', demandOption: true }).positional('addresses', { type: 'string', array: true, demandOption: true }),
      async (argv: ArgumentsCamelCase<NameArgs & { addresses: string[] }>) => {
        const store = await openStore(argv.workbook);
        const typed = String(argv.name);
        // Names compare ignoring case, so "Erin" adds to an existing "erin": say so instead of merging silently.
        const existing = (await store.read()).users.find((u) => nameKey(u.name) === nameKey(typed));
        const outcome = await addUser(store, typed, argv.addresses.map(String));
        const what = existing
          ? `${typed === existing.name ? '' : `"${typed}" is the existing user ${existing.name} (names compare ignoring case): `}` +
            `added the address(es) to ${existing.name} (Users row ${existing.row})`
          : `Added ${typed}`;
        reportOutcome(outcome, what, argv.workbook);
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
    .demandCommand(1, 'Name an action: list, add, remove or remove-address.')
    .example('valtrac users add Alice 5Grw...utQY', '')
    .example('valtrac users list', '');
}

export function handler(): void {}

/** One line per address in sheet order: the user's name on their first, each address with its cell. */
export function usersList(users: readonly User[]): string {
  if (users.length === 0) return 'No users yet (valtrac users add NAME ADDRESS, or valtrac import-users FILE.csv).';
  // Bounded like every message: a 256 kB cell is quoted as an excerpt, its unsafe characters escaped.
  const names = users.map((u) => excerpt(u.name));
  const width = Math.max(...names.map((n) => n.length));
  const lines = users.flatMap((u, n) =>
    u.addresses.length === 0
      ? [`  ${names[n]!.padEnd(width)}  Users!A${u.row}  (no address)`]
      : u.addresses.map((a, i) => `  ${(i === 0 ? names[n]! : '').padEnd(width)}  ${`Users!${addressCell(u, i)}`.padEnd(9)}  ${excerpt(a)}${i === 0 ? ' (receives payouts)' : ''}`),
  );
  return [`Users (${users.length}):`, ...lines].join('\n');
}
