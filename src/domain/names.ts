/** Problems with a user name as typed, or null when it is fine. */
export function checkName(name: string): { message: string; fix: string } | null {
  if (name.length === 0) return { message: 'The name is empty.', fix: 'Type a name for this user.' };
  if (/^[=+\-@]/.test(name)) {
    return {
      message: `The name "${name}" starts with "${name[0]}", which spreadsheets run as a formula.`,
      fix: 'Start the name with a letter or digit.',
    };
  }
  if (/^[\s\u200B-\u200D\u2060\uFEFF\u00A0]|[\s\u200B-\u200D\u2060\uFEFF\u00A0]$/u.test(name) || /[\u200B-\u200D\u2060\uFEFF]/u.test(name)) {
    return {
      message: `The name "${name}" has spaces or invisible characters at its start or end (or hidden inside).`,
      fix: 'Retype the name without leading or trailing spaces.',
    };
  }
  return null;
}

/** Names are unique regardless of case: "alice" and "Alice" are the same person. */
export function nameKey(name: string): string {
  return name.toLocaleLowerCase('en-US');
}

/** Code-unit order: the same on every machine and locale (the tie-break of every payout split). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
