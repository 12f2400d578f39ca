/**
 * The workbook damaged or reshaped by people, through the real CLI: a damaged file is never overwritten and the
 * message names the backup folder; a renamed or deleted sheet is named; moved headers, extra columns, formulas and
 * merged cells are handled without losing anything; 10,000 users import and check.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { afterAll, describe, expect, it } from 'vitest';
import { address, baseWorkbookCopies, editWorkbook, readSheet, tempDir, treeDigest, valtrac } from './helpers.js';

/** Folders a test makes itself (not copies of the base workbook). */
const folders: string[] = [];
const folder = baseWorkbookCopies(async (base) => {
  // One ValTrac write after init, so a backup exists to be named.
  const r = await valtrac(['users', 'add', 'Erin', address(6), '--workbook', path.join(base, 'valtrac.xlsx')], { cwd: base });
  if (r.code !== 0) throw new Error(r.stderr);
});

afterAll(() => {
  for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
});

const writers: string[][] = [['users', 'add', 'Frank', address(7)], ['referrals', 'add', 'Carol', 'Dave', '5'], ['check'], ['plan', '--pool', '1']];

describe('a damaged workbook file', () => {
  for (const [label, damage] of [
    ['truncated', (file: string) => fs.truncateSync(file, Math.floor(fs.statSync(file).size / 2))],
    ['not an xlsx', (file: string) => fs.writeFileSync(file, 'Name,Address1\nAlice,5Grw\n')],
    ['empty', (file: string) => fs.writeFileSync(file, '')],
  ] as const) {
    it(`${label}: every command stops with a clear error naming the backup folder and overwrites nothing`, async () => {
      const { dir, workbook } = folder();
      damage(workbook);
      const before = treeDigest(dir);
      for (const args of writers) {
        const r = await valtrac([...args, '--workbook', workbook], { cwd: dir });
        expect(r.code, `${args.join(' ')}: ${r.stdout}`).not.toBe(0);
        expect(r.stderr).toMatch(/cannot be read as an \.xlsx workbook/);
        expect(r.stderr).toContain(path.join(dir, '.backup'));
        expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      }
      expect(treeDigest(dir)).toEqual(before);
      expect(fs.readdirSync(path.join(dir, '.backup')).length).toBeGreaterThan(0);
    });
  }
});

describe("people reshaping their sheets", () => {
  it('a renamed sheet: named in the error, nothing written', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.name = 'People'));
    const before = treeDigest(dir);
    const r = await valtrac(['users', 'add', 'Frank', address(7), '--workbook', workbook], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no sheet "Users".*rename the sheet back/s);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('a deleted sheet: named in the error, nothing written', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => b.removeWorksheet(b.getWorksheet('Referrals')!.id));
    const before = treeDigest(dir);
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/no sheet "Referrals"/);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('moved headers: the data still reads by position and the next write puts the headers back', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => {
      const users = b.getWorksheet('Users')!;
      users.getCell('A2').value = 'Address 1';
      users.getCell('B2').value = 'Name';
    });
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.code, check.stdout).toBe(0);
    const add = await valtrac(['users', 'add', 'Frank', address(7), '--workbook', workbook], { cwd: dir });
    expect(add.code, add.stderr).toBe(0);
    const users = await readSheet(workbook, 'Users');
    expect(users[1]!.slice(0, 2)).toEqual(['Name', 'Address 1']);
    expect(users.map((r) => r[0])).toEqual(expect.arrayContaining(['Alice', 'Bob', 'Carol', 'Dave', 'Erin', 'Frank']));
  });

  it("an extra column in Referrals is kept through ValTrac's writes", async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => {
      const referrals = b.getWorksheet('Referrals')!;
      referrals.getCell('F2').value = 'Notes';
      referrals.getCell('F3').value = 'met at the meetup';
    });
    const add = await valtrac(['referrals', 'add', 'Carol', 'Dave', '5', '--workbook', workbook], { cwd: dir });
    expect(add.code, add.stderr).toBe(0);
    const referrals = await readSheet(workbook, 'Referrals');
    expect(referrals[2]![5]).toBe('met at the meetup');
    expect(referrals.some((r) => r[0] === 'Carol' && r[1] === 'Dave')).toBe(true);
  });

  it('an extra column in Users is read as an address and flagged where it is, not dropped', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getCell('H3').value = 'alice@example.org'));
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Users!H3/);
  });

  it('a formula in a tax cell is flagged at its cell, never evaluated into money', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Referrals')!.getCell('C3').value = { formula: '5*2', result: 10 } as Xlsx.CellFormulaValue));
    const before = treeDigest(dir);
    const r = await valtrac(['plan', '--pool', '1', '--workbook', workbook], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/Referrals!C3/);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('merged cells in Users: the merged name is read once and the other rows are still checked', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => b.getWorksheet('Users')!.mergeCells('A5:A6'));
    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    const output = `${r.stdout}${r.stderr}`;
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
    // Dave's row (6) lost its name to the merge: that is a problem at A6, not a crash and not a silent drop.
    expect(r.code).toBe(1);
    expect(output).toMatch(/Users!A6/);
  });
});

describe('10,000 users', () => {
  it('import and check a 10,000-user CSV', async () => {
    const dir = tempDir();
    folders.push(dir);
    const workbook = path.join(dir, 'valtrac.xlsx');
    const lines = ['Name,Address1,Address2'];
    for (let i = 0; i < 10_000; i++) lines.push(`user${i},${address(100_000 + i)},${address(200_000 + i)}`);
    fs.writeFileSync(path.join(dir, 'many.csv'), `${lines.join('\n')}\n`);
    expect((await valtrac(['init', '--workbook', workbook], { cwd: dir })).code).toBe(0);
    const imported = await valtrac(['import-users', 'many.csv', '--workbook', workbook], { cwd: dir, timeoutMs: 300_000 });
    expect(imported.code, imported.stderr).toBe(0);
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir, timeoutMs: 300_000 });
    expect(check.code, check.stdout + check.stderr).toBe(0);
    expect(check.stdout).toMatch(/10000 users/);
    // One bad cell among 10,000 rows is found and named.
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getCell('C9000').value = address(100_000 + 5)));
    const bad = await valtrac(['check', '--workbook', workbook], { cwd: dir, timeoutMs: 300_000 });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/Users!C9000.*also belongs to user5/s);
  }, 600_000);
});
