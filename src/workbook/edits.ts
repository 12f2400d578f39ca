import { parseTax } from '../domain/tax.js';
import { excerpt } from '../domain/text.js';
import { formatCsvProblem, parseUsersCsv } from '../domain/users-csv.js';
import { UserError } from '../util/errors.js';
import { MAX_TAX_TEXT } from './read.js';
import type { WorkbookStore } from './store.js';

/**
 * The edits a person makes in the people's sheets, for scripts and the menu. Each is checked exactly like a save in the
 * sheet: a change that would add a problem is refused with the same message, and nothing is written.
 */
export type EditOutcome = 'written' | 'deferred';

export function addUser(store: WorkbookStore, name: string, addresses: string[]): Promise<EditOutcome> {
  if (addresses.length === 0) throw new UserError(`Give ${name} at least one address: valtrac users add NAME ADDRESS...`);
  return store.apply({ kind: 'addUsers', users: [{ name, addresses }] }, { refuseNewProblems: true });
}

export function removeUser(store: WorkbookStore, name: string): Promise<EditOutcome> {
  return store.apply({ kind: 'removeUser', name }, { refuseNewProblems: true });
}

export function removeAddress(store: WorkbookStore, name: string, address: string): Promise<EditOutcome> {
  return store.apply({ kind: 'removeAddress', name, address }, { refuseNewProblems: true });
}

function taxArgument(tax: string): string {
  if (tax.length > MAX_TAX_TEXT) throw new UserError(`TAX argument: "${excerpt(tax)}" is ${tax.length.toLocaleString('en-US')} characters long; a tax is a number such as 15 or 15%.`);
  const parsed = parseTax({ kind: 'text', text: tax });
  if (!parsed.ok) throw new UserError(`TAX argument: ${parsed.message} ${parsed.fix}`);
  return parsed.ppm.toString();
}

export function addReferral(store: WorkbookStore, referrer: string, referee: string, tax: string): Promise<EditOutcome> {
  return store.apply({ kind: 'addReferral', referrer, referee, taxPpm: taxArgument(tax) }, { refuseNewProblems: true });
}

export function setReferralTax(store: WorkbookStore, referrer: string, referee: string, tax: string): Promise<EditOutcome> {
  return store.apply({ kind: 'setReferralTax', referrer, referee, taxPpm: taxArgument(tax) }, { refuseNewProblems: true });
}

export function removeReferral(store: WorkbookStore, referrer: string, referee: string): Promise<EditOutcome> {
  return store.apply({ kind: 'removeReferral', referrer, referee }, { refuseNewProblems: true });
}

/** Imports users from CSV text; every problem in the file is reported (with line and column) before anything is written. */
export async function importUsers(store: WorkbookStore, file: string, csv: string, replace: boolean): Promise<{ outcome: EditOutcome; users: number }> {
  const { users, problems } = parseUsersCsv(csv);
  if (problems.length > 0) {
    throw new UserError(`nothing was imported; ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${problems.map((p) => `  ${formatCsvProblem(file, p)}`).join('\n')}`);
  }
  const outcome = await store.apply({ kind: replace ? 'replaceUsers' : 'addUsers', users }, { refuseNewProblems: true });
  return { outcome, users: users.length };
}
