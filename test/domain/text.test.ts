import { describe, expect, it } from 'vitest';
import { lookalikeKeys, unusualCharacters } from '../../src/domain/lookalike.js';
import { checkName } from '../../src/domain/names.js';
import { describeChar, excerpt, fitCell, MAX_CELL_CHARS, safeText } from '../../src/domain/text.js';

describe('excerpt', () => {
  it.each([
    ['plain', 'Alice', 'Alice'],
    ['carriage return', 'Bob\rMallory', 'Bob\\rMallory'],
    ['line feed and tab', 'a\nb\tc', 'a\\nb\\tc'],
    ['right-to-left override', '\u202Eecila', '<U+202E>ecila'],
    ['zero-width space and soft hyphen', 'A\u200Bl\u00ADi', 'A<U+200B>l<U+00AD>i'],
    ['a BEL and a DEL', 'x\u0007\u007F', 'x<U+0007><U+007F>'],
    ['a tag character (outside the BMP)', 'x\u{E0041}', 'x<U+E0041>'],
    ['64 characters: whole', 'a'.repeat(64), 'a'.repeat(64)],
    ['100 characters: 48 + … + 12, with the length', 'a'.repeat(90) + 'bcdefghijk', `${'a'.repeat(48)}…aabcdefghijk (100 characters)`],
    ['a million characters', 'N'.repeat(1_000_000), `${'N'.repeat(48)}…${'N'.repeat(12)} (1,000,000 characters)`],
  ])('%s', (_name, text, shown) => {
    expect(excerpt(text)).toBe(shown);
  });

  it('never splits a surrogate pair', () => {
    const text = `${'a'.repeat(47)}😀${'b'.repeat(60)}`;
    expect(excerpt(text)).toBe(`${'a'.repeat(47)}…${'b'.repeat(12)} (109 characters)`);
  });
});

describe('safeText and fitCell', () => {
  it('keep line feeds of ValTrac\'s own messages and escape everything else that moves or hides text', () => {
    expect(safeText('one\ntwo\r\u202E')).toBe('one\ntwo\\r<U+202E>');
    expect(describeChar('\u200F')).toBe('U+200F RIGHT-TO-LEFT MARK');
    expect(describeChar('\u0435')).toBe('U+0435');
  });

  it('cuts ValTrac\'s own cell text at Excel\'s limit and says so', () => {
    expect(fitCell('short')).toBe('short');
    const cut = fitCell('x'.repeat(40_000));
    expect(cut).toHaveLength(MAX_CELL_CHARS);
    expect(cut.endsWith('(cut: Excel keeps 32,767 characters in a cell)')).toBe(true);
  });
});

describe('look-alike names', () => {
  const meet = (a: string, b: string) => lookalikeKeys(a).some((k) => lookalikeKeys(b).includes(k));
  it.each([
    ['Alice', 'Alic\u0435', 'Cyrillic е'],
    ['Alice', 'AIice', 'capital I for l'],
    ['Alice', 'A1ice', 'digit 1 for l'],
    ['Alice', 'ＡＬＩＣＥ', 'fullwidth, case ignored'],
    ['Alice', 'Alice\u200F', 'a right-to-left mark'],
    ['Alice', 'Al\u00ADice', 'a soft hyphen'],
    ['Bob', '\u0392ob', 'Greek capital beta'],
    ['Bob', 'B0b', 'zero for o'],
    ['Vernon', 'Vemon', 'rn for m'],
    ['paypal', '\u0440aypal', 'Cyrillic р'],
    ['Bob Jr', 'Bob\u00A0 Jr', 'no-break and double spaces'],
  ])('%s meets %s (%s)', (a, b) => {
    expect(meet(a, b)).toBe(true);
  });

  it.each([
    ['Ian', 'Lan'],
    ['Alice', 'Alicia'],
    ['Bob', 'Rob'],
    ['René', 'Rene'],
    ['Dave', 'Dave2'],
    ['ann', 'anne'],
  ])('%s and %s stay apart', (a, b) => {
    expect(meet(a, b)).toBe(false);
  });

  it('names what differs from plain text', () => {
    expect(unusualCharacters('Alic\u0435')).toEqual(['Cyrillic "е" U+0435 at position 5']);
    expect(unusualCharacters('\u202EBob')).toEqual(['U+202E at position 1']);
    expect(unusualCharacters('Alice')).toEqual([]);
  });
});

describe('checkName', () => {
  it.each([
    ['Alice', null],
    ['Bob, Jr.', null],
    ['', /empty/],
    ['N'.repeat(101), /"N+…N+ \(101 characters\)" is 101 characters long; a name has at most 100/],
    ['=HYPERLINK("x")', /starts with "="/],
    ['Alice\u200F', /contains U\+200F RIGHT-TO-LEFT MARK at position 6, which reorders the text around it/],
    ['Al\u00ADice', /contains U\+00AD SOFT HYPHEN at position 3, which does not show/],
    ['Bob\rMallory', /"Bob\\rMallory" contains U\+000D CARRIAGE RETURN at position 4, which is a control character/],
    ['😀\u200B', /at position 2/],
    [' Alice', /spaces at its start or end/],
    ['Alice\u00A0', /spaces at its start or end/],
  ])('%j', (name, expected) => {
    const problem = checkName(name);
    if (expected === null) expect(problem).toBeNull();
    else expect(problem?.message).toMatch(expected);
  });
});
