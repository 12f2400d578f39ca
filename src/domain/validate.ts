import { a1 } from './a1.js';
import { checkAddress } from './address.js';
import { lookalikeKeys, unusualCharacters } from './lookalike.js';
import { checkName, nameKey } from './names.js';
import { cycles } from './referrals.js';
import { parseJsonPath } from './jsonPath.js';
import { COUNT_FROM, EXPLORERS, networkAdvice, NETWORKS, networkUrl, SETTING_ROWS, TAX_MODES, urlFault } from './settings.js';
import { closest } from './suggest.js';
import { formatTaxPercent, taxInRange } from './tax.js';
import { excerpt } from './text.js';
import type { Problem, Referral, Settings, User } from './types.js';

/** Where each setting's value sits; by default the Settings sheet's layout (title row, header row, then one row each). */
export type SettingsCells = Partial<Record<keyof Settings, string>>;

const defaultSettingsCells: SettingsCells = Object.fromEntries(SETTING_ROWS.map((s, i) => [s.key, a1(2, i + 3)]));

/** The cell of a user's i-th address: `addressCells` when the reader recorded them, else consecutive from column B. */
export function addressCell(user: User, index: number): string {
  return user.addressCells?.[index] ?? a1(index + 2, user.row);
}

/** An address that must never be a user's: the validator hotkey, with the Settings cell that names it. */
export interface ReservedAddress {
  address: string;
  what: string;
  cell: string;
}

export function validateUsers(users: User[], reserved: readonly ReservedAddress[] = []): Problem[] {
  const problems: Problem[] = [];
  const byName = new Map<string, User>();
  const byLook = new Map<string, User>();
  const byAddress = new Map<string, { user: User; cell: string }>();
  for (const user of users) {
    const nameCell = a1(1, user.row);
    const shown = excerpt(user.name);
    const nameProblem = checkName(user.name);
    if (nameProblem) problems.push({ sheet: 'Users', cell: nameCell, ...nameProblem });
    const other = user.name === '' ? undefined : byName.get(nameKey(user.name));
    const lookalike = user.name === '' || other ? undefined : lookalikeKeys(user.name).map((key) => byLook.get(key)).find((u) => u !== undefined);
    if (other && !nameProblem) {
      problems.push({
        sheet: 'Users',
        cell: nameCell,
        message: `The name "${shown}" is already used in row ${other.row} ("${excerpt(other.name)}"); names are compared ignoring case.`,
        fix: `Put all of this person's addresses on row ${other.row}, or give this user another name.`,
      });
    } else if (lookalike) {
      const differs = [...unusualCharacters(user.name), ...unusualCharacters(lookalike.name)];
      problems.push({
        sheet: 'Users',
        cell: nameCell,
        message: `The name "${shown}" looks like "${excerpt(lookalike.name)}" in row ${lookalike.row}${differs.length ? ` (they differ in: ${differs.slice(0, 4).join(', ')})` : ''}; one could be taken for the other.`,
        fix: `Give this user a name that cannot be mistaken for "${excerpt(lookalike.name)}", typed in plain letters; or, if it is the same person, put the addresses on row ${lookalike.row}.`,
      });
    }
    if (user.name !== '' && !other) {
      byName.set(nameKey(user.name), user);
      for (const key of lookalikeKeys(user.name)) if (!byLook.has(key)) byLook.set(key, user);
    }
    if (user.addresses.length === 0) {
      problems.push({
        sheet: 'Users',
        cell: nameCell,
        message: `${user.name ? shown : `Row ${user.row}`} has no address.`,
        fix: 'Type at least one coldkey address (SS58) in column B; the first address receives payouts.',
      });
    }
    user.addresses.forEach((address, index) => {
      const cell = addressCell(user, index);
      const check = checkAddress(address);
      if (!check.ok) {
        problems.push({ sheet: 'Users', cell, message: check.message, fix: check.fix });
        return;
      }
      const taken = reserved.find((r) => r.address === address);
      if (taken) {
        problems.push({
          sheet: 'Users',
          cell,
          message: `The address ${address} is the ${taken.what} (Settings!${taken.cell}), not a person's coldkey.`,
          fix: "Type this person's own coldkey (btcli wallet overview shows it); payouts never go to the validator's hotkey.",
        });
        return;
      }
      const seen = byAddress.get(address);
      if (seen && seen.user === user) {
        problems.push({
          sheet: 'Users',
          cell,
          message: `The address ${address} is listed twice for ${shown} (also in ${seen.cell}).`,
          fix: 'Delete one of the two cells.',
        });
      } else if (seen) {
        problems.push({
          sheet: 'Users',
          cell,
          message: `The address ${address} also belongs to ${excerpt(seen.user.name)} (${seen.cell}); an address can belong to one user only.`,
          fix: `Keep the address under the user who owns the key and delete it from the other.`,
        });
      } else {
        byAddress.set(address, { user, cell });
      }
    });
  }
  return problems;
}

export function validateReferrals(users: User[], referrals: Referral[]): Problem[] {
  const problems: Problem[] = [];
  const exact = new Set(users.map((u) => u.name));
  const byKey = new Map(users.map((u) => [nameKey(u.name), u.name]));
  const byLook = new Map(users.flatMap((u) => lookalikeKeys(u.name).map((key) => [key, u.name] as const)));
  const firstReferrer = new Map<string, Referral>();
  const unknown = (name: string, role: string, cell: string): Problem | null => {
    if (name === '') return { sheet: 'Referrals', cell, message: `The ${role} is empty.`, fix: `Choose the ${role} from the dropdown of user names.` };
    if (exact.has(name)) return null;
    const close = byKey.get(nameKey(name.trim())) ?? lookalikeKeys(name).map((key) => byLook.get(key)).find((n) => n !== undefined);
    return {
      sheet: 'Referrals',
      cell,
      message: `The ${role} "${excerpt(name)}" is not a user in Users.`,
      fix: close ? `Did you mean "${excerpt(close)}"? Pick the name from the dropdown.` : `Add ${excerpt(name)} to Users first, or correct the spelling.`,
    };
  };
  for (const edge of [...referrals].sort((a, b) => a.row - b.row)) {
    const referrerProblem = unknown(edge.referrer, 'referrer', a1(1, edge.row));
    const refereeProblem = unknown(edge.referee, 'referee', a1(2, edge.row));
    if (referrerProblem) problems.push(referrerProblem);
    if (refereeProblem) problems.push(refereeProblem);
    if (!taxInRange(edge.taxPpm)) {
      problems.push({
        sheet: 'Referrals',
        cell: a1(3, edge.row),
        message: `The tax ${formatTaxPercent(edge.taxPpm)}% is outside 0 to 100%.`,
        fix: 'Type a tax between 0 and 100, e.g. 15 or 15%.',
      });
    }
    if (edge.referrer !== '' && edge.referrer === edge.referee) {
      problems.push({
        sheet: 'Referrals',
        cell: a1(2, edge.row),
        message: `${excerpt(edge.referee)} refers themself.`,
        fix: 'Delete this row: a user cannot be their own referrer.',
      });
      continue;
    }
    if (edge.referee === '') continue;
    const first = firstReferrer.get(edge.referee);
    if (first) {
      problems.push({
        sheet: 'Referrals',
        cell: a1(2, edge.row),
        message: `${excerpt(edge.referee)} already has a referrer: ${excerpt(first.referrer)} (row ${first.row}); a user can have only one.`,
        fix: `Delete this row or row ${first.row}.`,
      });
    } else {
      firstReferrer.set(edge.referee, edge);
    }
  }
  for (const cycle of cycles(referrals)) {
    problems.push({
      sheet: 'Referrals',
      cell: a1(2, cycle.row),
      message: `These referrals form a cycle: ${[...cycle.names, cycle.names[0]!].map((n) => excerpt(n)).join(' → ')}.`,
      fix: 'Delete one of the referrals in the cycle: somebody in it must have been referred by nobody in it.',
    });
  }
  return problems;
}

export function validateSettings(settings: Settings, cells: SettingsCells = defaultSettingsCells): Problem[] {
  const problems: Problem[] = [];
  const cell = (key: keyof Settings) => cells[key] ?? defaultSettingsCells[key]!;
  for (const key of ['hotkey', 'payoutColdkey'] as const) {
    const value = settings[key];
    if (value === null) continue;
    const check = checkAddress(value);
    if (!check.ok) problems.push({ sheet: 'Settings', cell: cell(key), message: check.message, fix: check.fix });
  }
  if (networkUrl(settings.network) === null) {
    problems.push({
      sheet: 'Settings',
      cell: cell('network'),
      message: `The network "${excerpt(settings.network)}" is not ${Object.keys(NETWORKS).join(', ')} or a ws:// / wss:// URL.`,
      fix: networkAdvice(settings.network),
    });
  }
  if (!Number.isSafeInteger(settings.snapshotInterval) || settings.snapshotInterval < 1) {
    problems.push({
      sheet: 'Settings',
      cell: cell('snapshotInterval'),
      message: `The snapshot interval ${settings.snapshotInterval} is not a whole number of blocks of at least 1.`,
      fix: 'Type a whole number of blocks, e.g. 300 (one hour).',
    });
  }
  if (!TAX_MODES.includes(settings.taxMode)) {
    const near = closest(settings.taxMode, TAX_MODES);
    problems.push({ sheet: 'Settings', cell: cell('taxMode'), message: `The tax mode "${excerpt(settings.taxMode)}" is unknown.`, fix: `${near ? `Did you mean ${near}? ` : ''}Choose base or compound.` });
  }
  if (!COUNT_FROM.includes(settings.countFrom)) {
    const near = closest(settings.countFrom, COUNT_FROM);
    problems.push({ sheet: 'Settings', cell: cell('countFrom'), message: `"${excerpt(settings.countFrom)}" is not a rule for when users count.`, fix: `${near ? `Did you mean ${near}? ` : ''}Choose period (from the period's start) or added (from the first snapshot after the user was added).` });
  }
  problems.push(...validateOptionalServices(settings, cell));
  return problems;
}

/** The price source and the webhook: off while empty, and when given, something ValTrac can call. */
function validateOptionalServices(settings: Settings, cell: (key: keyof Settings) => string): Problem[] {
  const problems: Problem[] = [];
  const url = (key: 'priceUrl' | 'webhookUrl', what: string, example: string) => {
    const value = settings[key];
    const fault = value === null ? null : urlFault(value);
    if (value !== null && fault !== null) {
      // A URL with credentials is named by its host alone: the rest holds the password.
      const shown = fault.startsWith('carries') ? `for ${excerpt(new URL(value.trim()).host)}` : `"${excerpt(value)}"`;
      const fix = fault.startsWith('carries') ? `Use a URL without user:password@ (a webhook's token belongs in its path), e.g. ${example}, or leave the cell empty.` : `Type the full URL on one line, e.g. ${example}, or leave the cell empty.`;
      problems.push({ sheet: 'Settings', cell: cell(key), message: `The ${what} ${shown} ${fault}.`, fix });
    }
  };
  url('priceUrl', 'USD price URL', 'https://api.coingecko.com/api/v3/simple/price?ids=bittensor&vs_currencies=usd');
  url('webhookUrl', 'webhook URL', 'https://discord.com/api/webhooks/…');
  if (settings.pricePath !== null) {
    const path = parseJsonPath(settings.pricePath);
    if (!path.ok) problems.push({ sheet: 'Settings', cell: cell('pricePath'), message: `USD price JSON path: ${path.message}.`, fix: 'Type where the price is in the answer, e.g. bittensor.usd or data[0].price.' });
  }
  if ((settings.priceUrl === null) !== (settings.pricePath === null)) {
    const missing = settings.priceUrl === null ? 'priceUrl' : 'pricePath';
    problems.push({
      sheet: 'Settings',
      cell: cell(missing),
      message: missing === 'priceUrl' ? 'A USD price JSON path is given without the USD price URL.' : 'The USD price URL is given without its JSON path.',
      fix: 'Fill in both the USD price URL and the USD price JSON path, or neither.',
    });
  }
  if (!Number.isSafeInteger(settings.nodeAlertMinutes) || settings.nodeAlertMinutes < 1) {
    problems.push({ sheet: 'Settings', cell: cell('nodeAlertMinutes'), message: `Node alert after ${settings.nodeAlertMinutes} minutes: at least 1 minute is needed.`, fix: 'Type a whole number of minutes, e.g. 10.' });
  }
  if (!(EXPLORERS as readonly string[]).includes(settings.explorer)) {
    problems.push({ sheet: 'Settings', cell: cell('explorer'), message: `The block explorer "${excerpt(settings.explorer)}" is unknown.`, fix: `Type ${EXPLORERS.join(' or ')}, or leave the cell empty for taostats.` });
  }
  return problems;
}

/** Every problem in the sheets people edit; empty when ValTrac may plan and pay. */
export function validateWorkbook(users: User[], referrals: Referral[], settings: Settings, settingsCells: SettingsCells = defaultSettingsCells): Problem[] {
  const reserved: ReservedAddress[] =
    settings.hotkey === null ? [] : [{ address: settings.hotkey, what: 'validator hotkey', cell: settingsCells.hotkey ?? defaultSettingsCells.hotkey! }];
  return [...validateUsers(users, reserved), ...validateReferrals(users, referrals), ...validateSettings(settings, settingsCells)];
}
