import { codePoint, HIDDEN, UNSAFE } from './text.js';

/**
 * Letters of other scripts (and a few Latin ones) that look like a Latin letter or digit in common fonts, written with
 * the Latin character they pass for. A small hand-made table of the usual Cyrillic and Greek homoglyphs, not Unicode's
 * full confusables list: enough to catch "Alicе" (Cyrillic е) passing for "Alice".
 */
const LOOKS_LIKE: Readonly<Record<string, string>> = {
  // Cyrillic capitals and small letters
  А: 'A', В: 'B', С: 'C', Е: 'E', Н: 'H', І: 'l', Ј: 'J', К: 'K', М: 'M', О: 'O', Р: 'P', Ѕ: 'S', Т: 'T', Х: 'X', У: 'Y', Ү: 'Y', Ԍ: 'G', Ԛ: 'Q', Ԝ: 'W', Ӏ: 'l',
  а: 'a', с: 'c', ԁ: 'd', е: 'e', һ: 'h', і: 'i', ј: 'j', о: 'o', р: 'p', ԛ: 'q', ѕ: 's', у: 'y', х: 'x', ԝ: 'w', ӏ: 'l', ү: 'y',
  // Greek capitals and small letters
  Α: 'A', Β: 'B', Ε: 'E', Ζ: 'Z', Η: 'H', Ι: 'l', Κ: 'K', Μ: 'M', Ν: 'N', Ο: 'O', Ρ: 'P', Τ: 'T', Υ: 'Y', Χ: 'X',
  α: 'a', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', υ: 'u', χ: 'x', ϲ: 'c', ϳ: 'j',
  // Latin letters and digits that pass for each other
  ı: 'i', ɑ: 'a', ɡ: 'g', ɩ: 'i', I: 'l', '1': 'l', '|': 'l', '0': 'O',
};

const SPACES = /[\s\u00A0\u2000-\u200A\u202F\u205F\u3000]+/gu;
const HIDDEN_ALL = new RegExp(HIDDEN.source, 'gu');
const CONTROLS_ALL = new RegExp(UNSAFE.source, 'gu');

function skeleton(text: string): string {
  let mapped = '';
  for (const char of text) mapped += LOOKS_LIKE[char] ?? char;
  return mapped.replace(/rn/g, 'm');
}

/**
 * Keys under which two names that a person could not tell apart on screen meet: compatibility-normalised (NFKC turns
 * fullwidth and styled letters into plain ones), with invisible and control characters dropped, runs of spaces as one,
 * and look-alike letters as the letter they pass for. Compared with case kept ("AIice" with a capital I is "Alice") and
 * with case ignored (names are unique regardless of case), which keeps "Ian" and "Lan" apart.
 */
export function lookalikeKeys(name: string): string[] {
  const plain = name.normalize('NFKC').replace(HIDDEN_ALL, '').replace(CONTROLS_ALL, '').replace(SPACES, ' ').trim();
  return [`=${skeleton(plain)}`, `~${skeleton(plain.toLocaleLowerCase('en-US')).toLocaleLowerCase('en-US')}`];
}

/** What makes `name` differ from plain text: its characters outside ASCII, each with its code point and position. */
export function unusualCharacters(name: string): string[] {
  const found: string[] = [];
  let position = 0;
  for (const char of name) {
    position++;
    if (char.codePointAt(0)! > 0x7e || char.codePointAt(0)! < 0x20) found.push(`${describeScript(char)} at position ${position}`);
  }
  return found;
}

function describeScript(char: string): string {
  const hex = codePoint(char);
  const script = /\p{Script=Cyrillic}/u.test(char) ? 'Cyrillic ' : /\p{Script=Greek}/u.test(char) ? 'Greek ' : '';
  const shown = UNSAFE.test(char) || HIDDEN.test(char) ? '' : `"${char}" `;
  return `${script}${shown}${hex}`;
}
