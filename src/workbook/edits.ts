import { DEFAULT_SETTINGS, findSettingRow, settingAdvice } from '../domain/settings.js';
import { formatTaxPercent, parseTax } from '../domain/tax.js';
import { nameKey } from '../domain/names.js';
import { closest } from '../domain/suggest.js';
import { excerpt } from '../domain/text.js';
import type { Settings, User } from '../domain/types.js';
import { validateSettings } from '../domain/validate.js';
import { formatCsvProblem, parseUsersCsv } from '../domain/users-csv.js';
import { UserError } from '../util/errors.js';
import { applyChange, type Change } from './changes.js';
import { createWorkbook } from './layout.js';
import { MAX_TAX_TEXT, parseWorkbook } from './read.js';
import type { WorkbookStore } from './store.js';
import type * as Xlsx from './xlsx.js';

/**
 * The edits a person makes in the people's sheets, for scripts and the menu. Each is checked exactly like a save in the
 * sheet: a change that would add a problem is refused with the same message, and nothing is written.
 */
export type EditOutcome = 'written' | 'deferred';

export function addUser(store: WorkbookStore, name: string, addresses: string[]): Promise<EditOutcome> {
  if (addresses.length === 0) throw new UserError(`Give ${name} at least one address: valtrac users add NAME ADDRESS...`);
  return store.apply({ kind: 'addUsers', users: [{ name, addresses }] }, { refuseNewProblems: true });
}

/**
 * Removes a user. A user a referral still names is refused with those referrals and the commands that remove them,
 * rather than the sheet's message about the referral left behind (which would say to add the user back).
 */
export async function removeUser(store: WorkbookStore, name: string): Promise<EditOutcome> {
  const { users, referrals } = await store.read();
  const user = userNamed(users, name, 'NAME argument');
  const named = referrals.filter((r) => nameKey(r.referrer) === nameKey(user) || nameKey(r.referee) === nameKey(user));
  if (named.length > 0) {
    const where = named.map((r) => `Referrals!${nameKey(r.referee) === nameKey(user) ? 'B' : 'A'}${r.row} (${r.referrer} → ${r.referee})`);
    const commands = named.map((r) => `valtrac referrals remove ${r.referrer} ${r.referee}`);
    throw new UserError(`${user} is still in ${where.join(', ')}: remove ${named.length === 1 ? 'that referral' : 'those referrals'} first (${commands.join('; ')}), then remove ${user}. Nothing was written.`);
  }
  return store.apply({ kind: 'removeUser', name: user }, { refuseNewProblems: true });
}

/**
 * The user a name typed on the command line means, spelled as in Users: names compare ignoring case, as the sheet
 * compares them. An unknown name is refused with the closest user's name.
 */
export function userNamed(users: readonly User[], typed: string, argument: string): string {
  const exact = users.find((u) => u.name === typed) ?? users.find((u) => nameKey(u.name) === nameKey(typed.trim()));
  if (exact) return exact.name;
  const near = closest(typed, users.map((u) => u.name));
  throw new UserError(
    `${argument}: there is no user "${excerpt(typed)}" in Users. ${near ? `Did you mean ${near}? ` : ''}` +
      `(valtrac users list shows them; add a new one with valtrac users add NAME ADDRESS)`,
  );
}

export async function removeAddress(store: WorkbookStore, name: string, address: string): Promise<EditOutcome> {
  const user = userNamed((await store.read()).users, name, 'NAME argument');
  return store.apply({ kind: 'removeAddress', name: user, address }, { refuseNewProblems: true });
}

function taxArgument(tax: string): string {
  if (tax.length > MAX_TAX_TEXT) throw new UserError(`TAX argument: "${excerpt(tax)}" is ${tax.length.toLocaleString('en-US')} characters long; a tax is a number such as 15 or 15%.`);
  const parsed = parseTax({ kind: 'text', text: tax });
  if (!parsed.ok) throw new UserError(`TAX argument: ${parsed.message} ${parsed.fix}`);
  return parsed.ppm.toString();
}

/** A TAX argument as the Referrals sheet and the messages show it: "10" and "10%" both read "10%". */
export function taxText(tax: string): string {
  return `${formatTaxPercent(BigInt(taxArgument(tax)))}%`;
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

/**
 * Sets Settings values, given as (setting name, text typed) pairs: an empty text empties the cell, digits go in as a
 * number (what a person typing 300 in the sheet leaves), anything else as text. Checked like a save in the sheet.
 */
export function setSettings(store: WorkbookStore, values: ReadonlyArray<readonly [string, string]>): Promise<EditOutcome> {
  return store.apply(settingsChange(values), { refuseNewProblems: true });
}

export function settingsChange(values: ReadonlyArray<readonly [string, string]>): Change & { kind: 'setSettings' } {
  const settings: Partial<Record<keyof Settings, string | number | null>> = {};
  for (const [name, text] of values) {
    const row = findSettingRow(name);
    if (!row) throw new UserError(`SETTING argument: "${excerpt(name)}" is not a setting. ${settingAdvice(name)}`);
    settings[row.key] = text === '' ? null : /^\d{1,15}$/.test(text) ? Number(text) : text;
  }
  return { kind: 'setSettings', settings };
}

/**
 * A new workbook with Settings `values` (pairs as for setSettings). Refused with every problem the Settings sheet
 * would flag in it, each named by `where` (e.g. the option that gave the value), before anything is written.
 */
export function newWorkbook(values: ReadonlyArray<readonly [string, string]>, where: (key: keyof Settings) => string): Xlsx.Workbook {
  const workbook = createWorkbook({ ...DEFAULT_SETTINGS });
  applyChange(workbook, settingsChange(values), true);
  const parsed = parseWorkbook(workbook);
  const cells = parsed.settingsCells;
  const problems = [...parsed.parseProblems, ...validateSettings(parsed.data.settings, cells)];
  if (problems.length > 0) {
    const keyAt = (cell: string) => (Object.keys(cells) as Array<keyof Settings>).find((key) => cells[key] === cell);
    throw new UserError(
      problems
        .map((p) => {
          const key = keyAt(p.cell);
          return `${key ? `${where(key)} (Settings!${p.cell})` : `Settings!${p.cell}`}: ${p.message} ${p.fix}`;
        })
        .join('\n'),
    );
  }
  return workbook;
}
