import { execFile } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { base58Decode, base58Encode } from '@polkadot/util-crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { Problem } from '../../src/domain/types.js';
import { cellText } from '../../src/workbook/cells.js';
import { isFeedbackFill, isFeedbackNote, readProblemRows } from '../../src/workbook/feedback.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { WorkbookWatcher } from '../../src/workbook/watcher.js';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { addresses, cli, repoRoot, tempDir } from '../helpers.js';

// Workbooks ValTrac did not write last: saved by openpyxl (how a Python-minded owner edits a sheet), and with what
// Excel and other writers put in a file that ValTrac never writes (inline and rich-text strings, shared formulas, an
// extLst validation, a theme). Each is a valid file and must be read, not sent to .backup/.

const run = promisify(execFile);
const sr = await addresses(6);

async function valtrac(args: string[], cwd: string): Promise<{ code: number; out: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args, '--workbook', 'valtrac.xlsx'], { cwd });
    return { code: 0, out: stdout + stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

/** test/other_writers.py under Debian's Python, which has python3-openpyxl. */
async function otherWriter(args: string[]): Promise<void> {
  await run('/usr/bin/python3', [path.join(repoRoot, 'test', 'other_writers.py'), ...args]);
}

/** openpyxl opens the workbook, sets these cells and saves it over itself. */
function openpyxlEdit(file: string, cells: Record<string, string | number>): Promise<void> {
  return otherWriter(['edit', file, file, JSON.stringify(cells)]);
}

function badChecksum(address: string): string {
  const bytes = base58Decode(address);
  bytes[bytes.length - 1] ^= 0x01;
  return base58Encode(bytes);
}

async function valtracWorkbook(): Promise<{ dir: string; file: string }> {
  const dir = tempDir('other-writers');
  const steps = [
    ['init', '--hotkey', sr[5]!],
    ['users', 'add', 'alice', sr[0]!],
    ['users', 'add', 'bob', sr[1]!],
    ['referrals', 'add', 'alice', 'bob', '15'],
  ];
  for (const step of steps) expect((await valtrac(step, dir)).code, step.join(' ')).toBe(0);
  return { dir, file: path.join(dir, 'valtrac.xlsx') };
}

/** What ValTrac's layout puts on the people's sheets: the header notes and the dropdowns. */
function expectLayout(book: Xlsx.Workbook): void {
  const note = book.getWorksheet('Users')!.getCell('A2').note;
  expect(typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('')).toMatch(/unique name/);
  const referrals = book.getWorksheet('Referrals')!;
  const model = (referrals as unknown as { dataValidations: { model: Record<string, { type: string; formulae?: unknown[] }> } }).dataValidations.model;
  const list = Object.entries(model).find(([range]) => /A3/.test(range))?.[1];
  expect(list?.type).toBe('list');
  expect(String(list?.formulae?.[0])).toMatch(/Users!\$A\$3:\$A\$2000/);
}

function names(book: Xlsx.Workbook): string[] {
  const out: string[] = [];
  book.getWorksheet('Users')!.eachRow((row, r) => {
    if (r >= 3) out.push(cellText(row.getCell(1)));
  });
  return out;
}

let watcher: WorkbookWatcher | null = null;
afterEach(async () => {
  await watcher?.close();
  watcher = null;
});

describe('a workbook saved by openpyxl', { timeout: 180_000 }, () => {
  it('is checked, edited by valtrac and marked by the watcher, and keeps its notes and dropdowns', async () => {
    const { dir, file } = await valtracWorkbook();
    await openpyxlEdit(file, { 'Users!A5': 'carol', 'Users!B5': sr[2]! });

    const check = await valtrac(['check'], dir);
    expect(check.out).not.toMatch(/backup|cannot be read/);
    expect(check.out).toMatch(/No problems: 3 users, 1 referrals/);
    expect(check.code).toBe(0);

    const added = await valtrac(['users', 'add', 'dave', sr[3]!], dir);
    expect(added.out).toMatch(/Added dave/);
    const written = await Xlsx.readXlsxFile(file);
    expect(names(written)).toEqual(['alice', 'bob', 'carol', 'dave']);
    expectLayout(written);

    // The owner saves again with openpyxl, with a mistyped address; the watcher marks it.
    await openpyxlEdit(file, { 'Users!A7': 'erin', 'Users!B7': badChecksum(sr[4]!) });
    const checked: Problem[][] = [];
    watcher = new WorkbookWatcher(new WorkbookStore(file), { checked: (problems) => checked.push(problems), note: () => undefined });
    await watcher.start();
    for (let i = 0; !checked.some((p) => p.some((q) => q.cell === 'B7')); i++) {
      expect(i, JSON.stringify(checked)).toBeLessThan(300);
      await sleep(100);
    }
    await watcher.idle();
    const marked = await Xlsx.readXlsxFile(file);
    const cell = marked.getWorksheet('Users')!.getCell('B7');
    expect(isFeedbackFill(cell)).toBe(true);
    expect(isFeedbackNote(cell)).toBe(true);
    expect(readProblemRows(marked.getWorksheet('Problems')!).map((p) => `${p.sheet}!${p.cell}`)).toContain('Users!B7');
    expectLayout(marked);
  });
});

describe('a workbook with what other writers use and ValTrac does not write', { timeout: 180_000 }, () => {
  it('reads inline and rich-text strings and a shared formula, and keeps them and the theme when it writes', async () => {
    const { dir, file } = await valtracWorkbook();
    await openpyxlEdit(file, {});
    await otherWriter(['foreign', file, file, sr[2]!, sr[3]!]);

    const check = await valtrac(['check'], dir);
    expect(check.out).not.toMatch(/backup|cannot be read/);
    expect(check.out).toMatch(/No problems: 4 users, 1 referrals/);

    expect((await valtrac(['users', 'add', 'erin', sr[4]!], dir)).code).toBe(0);
    const written = await Xlsx.readXlsxFile(file);
    expect(names(written)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    const helper: string[] = [];
    written.getWorksheet('Referrals')!.eachRow((row) => {
      const text = cellText(row.getCell(5));
      if (text !== '') helper.push(text);
    });
    expect(helper[0]).toBe('=ROW()*2');
    expect(helper.slice(1)).toEqual([expect.stringMatching(/^=/), expect.stringMatching(/^=/)]);
    const parts = (await run('unzip', ['-Z1', file])).stdout.split('\n');
    expect(parts).toContain('xl/theme/theme1.xml');
    expectLayout(written);
  });
});
