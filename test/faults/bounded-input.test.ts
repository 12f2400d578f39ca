/**
 * Case 4 of issue 11: hostile sizes. A 256 kB string in an address cell, a 1 MB name in a cell and in a CSV, cells
 * filled to Excel's 32,767-character limit, over-long CLI arguments: each is refused by its length before anything
 * parses it, every message quotes a short excerpt (so output and ValTrac's own notes stay small), and the commands
 * that edit the workbook still work beside such a cell. Through the real CLI.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { readProblemRows } from '../../src/workbook/feedback.js';
import { address, baseWorkbookCopies, editWorkbook, treeDigest, valtrac } from './helpers.js';

const EXCEL_CELL_LIMIT = 32_767;
/** Far more than any message needs, far less than the inputs: a message that repeats its input cannot fit. */
const SHORT = 3_000;

const folder = baseWorkbookCopies();

const run = (workbook: string, args: string[]) => valtrac([...args, '--workbook', workbook], { cwd: path.dirname(workbook), timeoutMs: 120_000 });

interface SheetCase {
  name: string;
  sheet: string;
  cell: string;
  value: string;
  message: RegExp;
}

const sheetCases: SheetCase[] = [
  { name: 'a 256 kB address', sheet: 'Users', cell: 'B4', value: `5${'A'.repeat(256 * 1024 - 1)}`, message: /Users!B4: "5AAAA.*…A+ \(262,144 characters\)" is 262,144 characters long; a Bittensor address has 48/ },
  { name: 'a 1 MB name', sheet: 'Users', cell: 'A5', value: 'N'.repeat(1_000_000), message: /Users!A5: The name "NNN.*" is 1,000,000 characters long; a name has at most 100/ },
  { name: 'a name filling a whole cell', sheet: 'Users', cell: 'A6', value: `Dave${'\u200F'.repeat(EXCEL_CELL_LIMIT - 4)}`, message: /Users!A6: The name "Dave<U\+200F>.*" is 32,767 characters long/ },
  { name: 'a tax of 300 kB', sheet: 'Referrals', cell: 'C3', value: '1'.repeat(300_000), message: /Referrals!C3: The tax "111.*" is 300,000 characters long/ },
  { name: 'a network filling a whole cell', sheet: 'Settings', cell: 'B4', value: `ws://${'x'.repeat(EXCEL_CELL_LIMIT - 5)}`, message: /Settings!B4: The network "ws:\/\/xxx.*\(32,767 characters\)" is not local/ },
  { name: 'an interval filling a whole cell', sheet: 'Settings', cell: 'B5', value: '9'.repeat(EXCEL_CELL_LIMIT), message: /Settings!B5: Snapshot interval \(blocks\): "999.*\(32,767 characters\)" is not a whole number/ },
];

describe('oversized cells a person saved', () => {
  it.each(sheetCases.map((c) => [c.name, c] as const))('%s: check names the cell with a short excerpt', { timeout: 180_000 }, async (_name, c) => {
    const { workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet(c.sheet)!.getCell(c.cell).value = c.value));
    const r = await run(workbook, ['check']);
    const output = r.stdout + r.stderr;
    expect(r.code, output.slice(0, 500)).toBe(1);
    expect(output).toMatch(c.message);
    expect(output.length).toBeLessThan(SHORT);
  });

  it('beside a 256 kB address, users add still writes, and the note and Problems row ValTrac writes stay short', { timeout: 180_000 }, async () => {
    const { workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getCell('B4').value = `5${'A'.repeat(256 * 1024 - 1)}`));
    const r = await run(workbook, ['users', 'add', 'Erin', address(6)]);
    expect(r.code, (r.stdout + r.stderr).slice(0, 500)).toBe(0);
    expect(r.stdout).toMatch(/Added Erin \(written to/);
    const book = new Xlsx.Workbook();
    await book.xlsx.readFile(workbook);
    const note = book.getWorksheet('Users')!.getCell('B4').note;
    const noteText = typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('');
    expect(noteText).toMatch(/^ValTrac: "5AAAA.*is 262,144 characters long/);
    expect(noteText.length).toBeLessThan(SHORT);
    const rows = readProblemRows(book.getWorksheet('Problems')!);
    expect(rows.map((p) => `${p.sheet}!${p.cell}`)).toEqual(['Users!B4']);
    for (const p of rows) expect(p.message.length + p.fix.length).toBeLessThan(SHORT);
  });
});

describe('oversized arguments and files', () => {
  const BIG_NAME = 'N'.repeat(100_000);
  const cases: Array<{ name: string; args: string[]; files?: Record<string, string>; message: RegExp }> = [
    { name: 'users add with a 100 kB name', args: ['users', 'add', BIG_NAME, address(6)], message: /nothing was written:\n\s+Users!A\d+: The name "NNN.*" is 100,000 characters long/ },
    { name: 'users add with a 100 kB address', args: ['users', 'add', 'Erin', `5${'A'.repeat(99_999)}`], message: /Users!B\d+: "5AAA.*" is 100,000 characters long/ },
    { name: 'referrals add with a 100 kB tax', args: ['referrals', 'add', 'Carol', 'Dave', '1'.repeat(100_000)], message: /TAX argument: "111.*" is 100,000 characters long/ },
    {
      name: 'import-users with a 1 MB name',
      files: { 'people.csv': `Name,Address1\n${'N'.repeat(1_000_000)},${address(6)}\n` },
      args: ['import-users', 'people.csv'],
      message: /people\.csv line 2, column 1 \(Name\): The name "NNN.*" is 1,000,000 characters long/,
    },
  ];

  it.each(cases.map((c) => [c.name, c] as const))('%s: refused with a short excerpt, nothing written', { timeout: 180_000 }, async (_name, c) => {
    const { dir, workbook } = folder();
    for (const [file, text] of Object.entries(c.files ?? {})) fs.writeFileSync(path.join(dir, file), text);
    const before = treeDigest(dir);
    const r = await run(workbook, c.args);
    const output = r.stdout + r.stderr;
    expect(r.code, output.slice(0, 500)).toBe(1);
    expect(output).toMatch(c.message);
    expect(output.length).toBeLessThan(SHORT);
    expect(treeDigest(dir)).toEqual(before);
  });
});
