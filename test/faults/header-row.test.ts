/**
 * Case 10 of issue 11: the header row of a person's sheet is not in row 2. Rows inserted above it: the header is found
 * where it is, the old header is never read as a user and no second header is written. The header row deleted (the
 * first user now in row 2): a clear "header row is not in row 2" problem, and that user is never overwritten by one.
 */
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { address, baseWorkbookCopies, editWorkbook, readSheet, valtrac } from './helpers.js';

const folder = baseWorkbookCopies();

const run = (workbook: string, args: string[]) => valtrac([...args, '--workbook', workbook], { cwd: path.dirname(workbook) });
const column = (rows: string[][], c: number) => rows.map((r) => r[c] ?? '');

describe('a header row moved down by rows inserted above it', () => {
  it('is found where it is: nothing above it is read as data, and writes keep one header there', async () => {
    const { workbook } = folder();
    await editWorkbook(workbook, (b) => {
      for (const name of ['Users', 'Referrals']) b.getWorksheet(name)!.spliceRows(1, 0, [], []);
    });
    const check = await run(workbook, ['check']);
    expect(check.stdout + check.stderr).toMatch(/No problems: 4 users, 2 referrals/);
    expect(check.code).toBe(0);

    expect((await run(workbook, ['users', 'add', 'Erin', address(6)])).code).toBe(0);
    expect((await run(workbook, ['referrals', 'add', 'Carol', 'Dave', '5'])).code).toBe(0);
    const users = await readSheet(workbook, 'Users');
    expect(column(users, 0).filter((v) => v === 'Name')).toHaveLength(1);
    expect(column(users, 0).slice(3)).toEqual(['Name', 'Alice', 'Bob', 'Carol', 'Dave', 'Erin']);
    const referrals = await readSheet(workbook, 'Referrals');
    expect(column(referrals, 0).filter((v) => v === 'Referrer')).toHaveLength(1);
    expect(column(referrals, 0).slice(3)).toEqual(['Referrer', 'Alice', 'Bob', 'Carol']);
    const book = new Xlsx.Workbook();
    await book.xlsx.readFile(workbook);
    expect(book.getWorksheet('Users')!.views[0]).toMatchObject({ state: 'frozen', ySplit: 4 });
    expect((await run(workbook, ['check'])).code).toBe(0);
  });

  it('a row a person typed above the moved header is named, not silently skipped', async () => {
    const { workbook } = folder();
    await editWorkbook(workbook, (b) => {
      const users = b.getWorksheet('Users')!;
      users.spliceRows(2, 0, [], []);
      users.getRow(2).values = ['Zed', address(8)];
    });
    const r = await run(workbook, ['check']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Users!A2: Row 2 of Users is above the header row \(row 4\), so ValTrac does not read it as a user/);
    expect(r.stdout).toMatch(/4 users|Users!A2/);
    expect(r.stdout).not.toMatch(/Users!B4/);
  });
});

describe('the header row deleted, so the first user is in row 2', () => {
  it('check says the header row is not in row 2, and a write never puts a header over that user', async () => {
    const { workbook } = folder();
    await editWorkbook(workbook, (b) => void b.getWorksheet('Users')!.spliceRows(2, 1));
    const check = await run(workbook, ['check']);
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/Users!A2: The header row of Users is not in row 2 \(row 2 holds "Alice \| 5.*"\)/);

    const add = await run(workbook, ['users', 'add', 'Erin', address(6)]);
    expect(add.code, add.stderr).toBe(0);
    const users = await readSheet(workbook, 'Users');
    expect(column(users, 0).slice(1)).toEqual(['Alice', 'Bob', 'Carol', 'Dave', 'Erin']);
    expect(column(users, 0)).not.toContain('Name');
    const again = await run(workbook, ['check']);
    expect(again.stdout).toMatch(/Users!A2: The header row of Users is not in row 2/);
    expect(again.stdout).not.toMatch(/Users!A[3-7]: .*has no address|Users!B\d: .*space/);
  });
});
