import { readFile } from 'node:fs/promises';
import { checkName, nameKey } from '../domain/names.js';
import type { User } from '../domain/types.js';
import { addressCell, validateUsers } from '../domain/validate.js';
import { FIRST_DATA_ROW } from '../workbook/schema.js';
import { addUser, importUsers, removeAddress, removeUser } from '../workbook/edits.js';
import { openStore, reportOutcome } from '../commands/common.js';
import type { Prompter } from './prompter.js';
import { describeProblem } from './problems.js';

/** 3: load users from a CSV file (append or replace), or type one in. */
export async function addUsersMenu(p: Prompter, workbook: string): Promise<void> {
  const how = await p.choose('Add users', ['Load users from a CSV file (Name,Address1,Address2,...)', 'Manual entry', 'Back']);
  if (how === 0) await loadCsv(p, workbook);
  if (how === 1) await manualEntry(p, workbook);
}

async function loadCsv(p: Prompter, workbook: string): Promise<void> {
  const { file, csv } = await askFile(p);
  const mode = await p.choose('Existing users', ['Append (new users are added, new addresses merged into existing users)', 'Replace all users']);
  if (mode === 1 && !(await p.confirm('Replace every row of the Users sheet with this file?'))) return;
  const store = await openStore(workbook);
  const { outcome, users } = await importUsers(store, file, csv, mode === 1);
  reportOutcome(outcome, `${mode === 1 ? 'Replaced Users with' : 'Imported'} ${users} user${users === 1 ? '' : 's'}`, workbook);
}

async function askFile(p: Prompter): Promise<{ file: string; csv: string }> {
  for (;;) {
    const file = await p.ask('Path of the CSV file: ');
    try {
      return { file, csv: await readFile(file, 'utf8') };
    } catch (error) {
      p.print(`Cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}). Check the path.`);
    }
  }
}

async function manualEntry(p: Prompter, workbook: string): Promise<void> {
  const store = await openStore(workbook);
  const { users } = await store.read();
  const name = await p.askValid('Name: ', (answer) => {
    const problem = checkName(answer);
    return problem ? { ok: false, message: `  ${problem.message}\n  Fix: ${problem.fix}` } : { ok: true, value: answer };
  });
  const existing = users.find((u) => nameKey(u.name) === nameKey(name));
  if (existing) p.print(`${existing.name} is already a user (Users row ${existing.row}): the addresses you type are added to ${existing.name}.`);
  const others = users.filter((u) => u !== existing);
  const row = existing?.row ?? Math.max(FIRST_DATA_ROW - 1, ...users.map((u) => u.row)) + 1;
  const start = existing?.addresses ?? [];
  const added: string[] = [];
  for (;;) {
    const index = start.length + added.length;
    const label = index === 0 ? `Address 1 (receives payouts): ` : `Address ${index + 1} (Enter to finish): `;
    const address = await p.askValid(label, (answer) => {
      if (answer === '' && index > 0) return { ok: true, value: null };
      // Check the address where it would land in the sheet, so the message is the one the sheet would show.
      const candidate: User = { name: existing?.name ?? name, addresses: [...start, ...added, answer], row };
      const cell = addressCell(candidate, index);
      const problems = validateUsers([...others, candidate]).filter((problem) => problem.cell === cell);
      return problems.length ? { ok: false, message: problems.map(describeProblem).join('\n') } : { ok: true, value: answer };
    });
    if (address === null) break;
    added.push(address);
  }
  if (added.length === 0) {
    p.print('No address added.');
    return;
  }
  reportOutcome(await addUser(store, existing?.name ?? name, added), `Added ${added.length} address${added.length === 1 ? '' : 'es'} for ${existing?.name ?? name}`, workbook);
}

/** 4: delete a user, or one of a user's addresses. */
export async function editUsersMenu(p: Prompter, workbook: string): Promise<void> {
  const store = await openStore(workbook);
  const { users } = await store.read();
  if (users.length === 0) {
    p.print('There are no users yet.');
    return;
  }
  const which = await p.choose('Which user', [...users.map((u) => `${u.name} (${u.addresses.length} address${u.addresses.length === 1 ? '' : 'es'})`), 'Back']);
  const user = users[which];
  if (!user) return;
  const action = await p.choose(`Edit ${user.name}`, ['Delete the user', 'Delete an address', 'Back']);
  if (action === 0 && (await p.confirm(`Delete ${user.name} and all their addresses?`))) {
    reportOutcome(await removeUser(store, user.name), `Removed ${user.name}`, workbook);
  }
  if (action === 1) {
    const index = await p.choose('Which address', [...user.addresses.map((a, i) => (i === 0 ? `${a} (receives payouts)` : a)), 'Back']);
    const address = user.addresses[index];
    if (address) reportOutcome(await removeAddress(store, user.name, address), `Removed ${address} from ${user.name}`, workbook);
  }
}
