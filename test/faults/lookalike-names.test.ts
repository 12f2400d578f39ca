/**
 * Case 8 of issue 11: names a person cannot tell from another on screen. Beside `Alice`: `Alice` + U+200F, `Al` +
 * soft hyphen + `ice`, `Alicе` with a Cyrillic е, `AIice` with a capital I, fullwidth `ＡＬＩＣＥ`; a name with U+202E
 * (shows reversed) and one with a carriage return (rewrites the terminal line). Each is refused naming the name it
 * collides with, and no output, note or Problems row carries the character itself, only its escaped form.
 */
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { readProblemRows } from '../../src/workbook/feedback.js';
import { address, baseWorkbookCopies, editWorkbook, treeDigest, valtrac } from './helpers.js';

const RAW = /[\r\u200F\u00AD\u202E\u0007]|Dave\n/;

const folder = baseWorkbookCopies();

const cases: Array<[string, string, RegExp]> = [
  ['Alice + RIGHT-TO-LEFT MARK', 'Alice\u200F', /"Alice<U\+200F>" contains U\+200F RIGHT-TO-LEFT MARK at position 6.*looks like "Alice" in row 3/s],
  ['Al + SOFT HYPHEN + ice', 'Al\u00ADice', /"Al<U\+00AD>ice" contains U\+00AD SOFT HYPHEN at position 3, which does not show.*looks like "Alice" in row 3/s],
  ['Alice with a Cyrillic е', 'Alic\u0435', /"Alicе" looks like "Alice" in row 3 \(they differ in: Cyrillic "е" U\+0435 at position 5\)/],
  ['AIice with a capital I', 'AIice', /"AIice" looks like "Alice" in row 3/],
  ['fullwidth ＡＬＩＣＥ', 'ＡＬＩＣＥ', /"ＡＬＩＣＥ" looks like "Alice" in row 3/],
  ['Greek Βob', '\u0392ob', /"Βob" looks like "Bob" in row 4 \(they differ in: Greek "Β" U\+0392 at position 1\)/],
  ['a RIGHT-TO-LEFT OVERRIDE', '\u202Eecila', /"<U\+202E>ecila" contains U\+202E RIGHT-TO-LEFT OVERRIDE at position 1, which reorders the text around it/],
  ['a carriage return', 'Bob\rMallory', /"Bob\\rMallory" contains U\+000D CARRIAGE RETURN at position 4, which is a control character/],
  ['a BEL control character', 'Eve\u0007', /"Eve<U\+0007>" contains U\+0007 at position 4/],
];

describe('look-alike and hidden-character names through users add', () => {
  it.each(cases)('%s: refused, naming what collides, with the character escaped', async (_name, name, message) => {
    const { dir, workbook } = folder();
    const before = treeDigest(dir);
    const r = await valtrac(['users', 'add', name, address(40), '--workbook', workbook], { cwd: dir });
    const output = r.stdout + r.stderr;
    expect(r.code, output).toBe(1);
    expect(output).toMatch(/nothing was written/);
    expect(output).toMatch(message);
    expect(output).not.toMatch(RAW);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('a plain different name is still accepted (Alicia beside Alice)', async () => {
    const { dir, workbook } = folder();
    const r = await valtrac(['users', 'add', 'Alicia', address(40), '--workbook', workbook], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
  });
});

describe('look-alike names a person typed in the sheet', () => {
  it('check flags each at its cell with the name it collides with; the note and Problems rows carry only escapes', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => {
      const users = b.getWorksheet('Users')!;
      users.getRow(7).values = ['Alic\u0435', address(41)];
      users.getRow(8).values = ['\u202EBob', address(42)];
      // A line break (a carriage return typed in a cell comes back as one: the file's XML keeps line feeds only).
      users.getRow(9).values = ['Dave\n', address(43)];
    });
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    const output = r.stdout + r.stderr;
    expect(r.code).toBe(1);
    expect(output).toMatch(/Users!A7: The name "Alicе" looks like "Alice" in row 3/);
    expect(output).toMatch(/Users!A8: The name "<U\+202E>Bob" contains U\+202E/);
    expect(output).toMatch(/Users!A8: The name "<U\+202E>Bob" looks like "Bob" in row 4/);
    expect(output).toMatch(/Users!A9: The name "Dave\\n" contains U\+000A LINE FEED.*\n.*\nUsers!A9: The name "Dave\\n" looks like "Dave" in row 6/);
    expect(output).not.toMatch(RAW);

    // A write puts the marks in: the note and the Problems rows escape the characters too.
    expect((await valtrac(['users', 'add', 'Frank', address(44), '--workbook', workbook], { cwd: dir })).code).toBe(0);
    const book = new Xlsx.Workbook();
    await book.xlsx.readFile(workbook);
    const rows = readProblemRows(book.getWorksheet('Problems')!);
    expect(rows.map((p) => `${p.sheet}!${p.cell}`)).toEqual(['Users!A7', 'Users!A8', 'Users!A8', 'Users!A9', 'Users!A9']);
    for (const p of rows) expect(p.message + p.fix).not.toMatch(RAW);
    const note = book.getWorksheet('Users')!.getCell('A8').note;
    const noteText = typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('');
    expect(noteText).toMatch(/<U\+202E>Bob/);
    expect(noteText).not.toMatch(RAW);
  });
});
