import { describeChar, DIRECTION, excerpt, HIDDEN, UNSAFE } from './text.js';

/** Longest user name accepted: checked before anything else reads the name. */
export const MAX_NAME_LENGTH = 100;

const EDGE_SPACE = /^[\s\u00A0]|[\s\u00A0]$/u;

/** Problems with a user name as typed, or null when it is fine. */
export function checkName(name: string): { message: string; fix: string } | null {
  if (name.length === 0) return { message: 'The name is empty.', fix: 'Type a name for this user.' };
  if (name.length > MAX_NAME_LENGTH) {
    return {
      message: `The name "${excerpt(name)}" is ${name.length.toLocaleString('en-US')} characters long; a name has at most ${MAX_NAME_LENGTH}.`,
      fix: `Type a shorter name (at most ${MAX_NAME_LENGTH} characters).`,
    };
  }
  if (/^[=+\-@]/.test(name)) {
    return {
      message: `The name "${excerpt(name)}" starts with "${name[0]}", which spreadsheets run as a formula.`,
      fix: 'Start the name with a letter or digit.',
    };
  }
  const hidden = name.search(UNSAFE);
  if (hidden >= 0) {
    const char = String.fromCodePoint(name.codePointAt(hidden)!);
    const effect = DIRECTION.test(char) ? 'reorders the text around it' : HIDDEN.test(char) ? 'does not show' : 'is a control character';
    return {
      message: `The name "${excerpt(name)}" contains ${describeChar(char)} at position ${[...name.slice(0, hidden)].length + 1}, which ${effect}: the name would look like another.`,
      fix: 'Retype the name in plain characters, without invisible, control or direction characters.',
    };
  }
  if (EDGE_SPACE.test(name)) {
    return {
      message: `The name "${excerpt(name)}" has spaces at its start or end.`,
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
