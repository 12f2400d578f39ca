/**
 * What the person sees is what ValTrac counts and prints: hidden rows and columns in Users and Referrals are problems
 * at their cells and stop `plan`; listings quote a huge cell as a bounded excerpt; a date typed in a tax cell is shown
 * as the date it is.
 */
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { cellDate } from '../../src/workbook/cells.js';
import { baseWorkbookCopies, editWorkbook, valtrac } from './helpers.js';

const folder = baseWorkbookCopies();

// The base workbook: Users rows 3-6 Alice (B3, C3), Bob, Carol, Dave; Referrals rows 3-4 Alice→Bob, Bob→Carol.
describe('hidden rows and columns', () => {
  it('a user in a hidden row: a problem at the row, and plan refuses', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getRow(6).hidden = true));
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/Users!A6: Row 6 is hidden.*\n\s+Fix: Unhide row 6 \(or delete it/);
    const plan = await valtrac(['plan', '--pool', '1', '--workbook', workbook], { cwd: dir });
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toMatch(/plan refuses.*Users!A6: Row 6 is hidden/s);
  });

  it('an address in a hidden column: a problem at its cell', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getColumn(3).hidden = true));
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/Users!C3: Column C is hidden.*\n\s+Fix: Unhide column C/);
  });

  it('a referral in a hidden row: a problem at the row, and plan refuses', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Referrals')!.getRow(4).hidden = true));
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.stdout).toMatch(/Referrals!A4: Row 4 is hidden/);
    const plan = await valtrac(['plan', '--pool', '1', '--workbook', workbook], { cwd: dir });
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toMatch(/plan refuses.*Referrals!A4: Row 4 is hidden/s);
  });

  it('a hidden empty row is no problem', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getRow(40).hidden = true));
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.stdout).not.toMatch(/hidden/);
  });
});

describe('listings are bounded', () => {
  it('users list quotes a 256 kB name as an excerpt', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getCell('A4').value = `B${'o'.repeat(256 * 1024)}`));
    const list = await valtrac(['users', 'list', '--workbook', workbook], { cwd: dir });
    expect(list.code).toBe(0);
    expect(list.stdout.length).toBeLessThan(3_000);
    expect(list.stdout).toMatch(/Boooo.*…o+ \(262,145 characters\)  Users!B4/);
  });
});

describe('a date in a tax cell', () => {
  it('referrals list shows the date, check names the cell', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => {
      const cell = b.getWorksheet('Referrals')!.getCell('C3');
      cell.value = new Date(Date.UTC(2025, 0, 15));
      cell.numFmt = 'yyyy-mm-dd';
    });
    const list = await valtrac(['referrals', 'list', '--workbook', path.basename(workbook)], { cwd: dir });
    expect(list.stdout).toMatch(/Alice → Bob\s+2025-01-15 \(a date, not a tax/);
    expect(list.stdout).not.toMatch(/45672/);
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.stdout).toMatch(/Referrals!C3: The tax is a date \(2025-01-15\)/);
  });

  it('a day number under a date format the xlsx library does not know is read as the date too, a percent is not', () => {
    const sheet = new Xlsx.Workbook().addWorksheet('x');
    const cell = sheet.getCell('C3');
    cell.value = 45672;
    cell.numFmt = '[$-409]DD/MM/YYYY;@';
    expect(cellDate(cell)).toBe('2025-01-15');
    cell.numFmt = '0.00%';
    expect(cellDate(cell)).toBeNull();
    cell.numFmt = '[h]:mm:ss';
    expect(cellDate(cell)).toBeNull();
    cell.numFmt = '';
    expect(cellDate(cell)).toBeNull();
  });
});

