/**
 * Bad input, table-driven, through the real CLI: every case must fail with a non-zero exit code and a message that
 * names where the mistake is (argument, CSV line and column, or sheet and cell), and must leave every file in the
 * workbook's folder byte for byte as it was (nothing written, nothing half-written).
 */
import fs from 'node:fs';
import path from 'node:path';
import type * as Xlsx from '../../src/workbook/xlsx.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address, baseWorkbook, copyFolder, editWorkbook, mistyped, tempDir, treeDigest, valtrac } from './helpers.js';

interface Case {
  name: string;
  /** Extra files (e.g. a CSV) written into the folder before the command. */
  files?: Record<string, string>;
  /** A person's edit of the workbook before the command (saved like an editor saves). */
  edit?: (book: Xlsx.Workbook) => void;
  /** No workbook at all (init cases). */
  noWorkbook?: boolean;
  args: string[];
  /** What the message must contain: the location and the kind of mistake. */
  message: RegExp;
}

const A1 = address(1);
const A2 = address(2);
const NEW = address(77);
const ZWSP = '\u200B';
const users = (book: Xlsx.Workbook) => book.getWorksheet('Users')!;
const referrals = (book: Xlsx.Workbook) => book.getWorksheet('Referrals')!;
const settings = (book: Xlsx.Workbook) => book.getWorksheet('Settings')!;
const AMBIGUOUS_15 = /TAX argument: The tax "0\.15" could mean 15% or 0\.15% \(a hundred times less\), so ValTrac does not guess\. For 15% type 15 or 15%; for 0\.15% type 0\.15%\./;
const SHEET_AMBIGUOUS_15 = /Referrals!C3: The tax 0\.15 could mean 15% or 0\.15% \(a hundred times less\), so ValTrac does not guess\.\s+Fix: For 15% type 15 or 15%; for 0\.15% type 0\.15%\./;
const csv = (body: string) => ({ 'people.csv': `Name,Address1,Address2\n${body}` });

const cases: Case[] = [
  // CLI arguments
  { name: 'users add: bad checksum', args: ['users', 'add', 'Erin', mistyped(NEW)], message: /Users!B\d+.*checksum/s },
  { name: 'users add: polkadot prefix 0', args: ['users', 'add', 'Erin', address(77, 0)], message: /Users!B\d+.*prefix 0/s },
  { name: 'users add: trailing space', args: ['users', 'add', 'Erin', `${NEW} `], message: /Users!B\d+.*space/s },
  { name: 'users add: zero-width space inside', args: ['users', 'add', 'Erin', `${NEW.slice(0, 10)}${ZWSP}${NEW.slice(10)}`], message: /Users!B\d+.*invisible/s },
  { name: 'users add: address of another user', args: ['users', 'add', 'Erin', A2], message: /Users!B\d+.*also belongs to Bob/s },
  { name: 'users add: name starting with =', args: ['users', 'add', '=HYPERLINK("http://x","y")', NEW], message: /Users!A\d+.*formula/s },
  { name: 'users add: name starting with +', args: ['users', 'add', '+cmd', NEW], message: /Users!A\d+.*formula/s },
  { name: 'users add: truncated address', args: ['users', 'add', 'Erin', NEW.slice(0, 40)], message: /Users!B\d+.*40 characters/s },
  { name: 'referrals add: tax 120', args: ['referrals', 'add', 'Carol', 'Dave', '120'], message: /nothing was written.*Referrals!C\d+.*120% is outside 0 to 100/s },
  { name: 'referrals add: tax -5', args: ['referrals', 'add', 'Carol', 'Dave', '-5'], message: /nothing was written.*Referrals!C\d+.*-5% is outside 0 to 100/s },
  { name: 'referrals add: tax as text', args: ['referrals', 'add', 'Carol', 'Dave', 'ten'], message: /TAX argument.*ten/s },
  { name: 'referrals add: tax 0.15 (15% or 0.15%?)', args: ['referrals', 'add', 'Carol', 'Dave', '0.15'], message: AMBIGUOUS_15 },
  { name: 'referrals add: tax .15', args: ['referrals', 'add', 'Carol', 'Dave', '.15'], message: /TAX argument: The tax "\.15" could mean 15% or 0\.15%/ },
  { name: 'referrals set-tax: tax 0.5 (50% or 0.5%?)', args: ['referrals', 'set-tax', 'Alice', 'Bob', '0.5'], message: /TAX argument: The tax "0\.5" could mean 50% or 0\.5%.*For 50% type 50 or 50%; for 0\.5% type 0\.5%\./s },
  { name: 'referrals add: unknown user', args: ['referrals', 'add', 'Carol', 'Zed', '10'], message: /REFEREE argument: there is no user "Zed" in Users/ },
  { name: 'referrals add: self-referral', args: ['referrals', 'add', 'Dave', 'Dave', '10'], message: /Referrals!\w+\d+.*(themselves|self|own)/is },
  { name: 'referrals add: cycle', args: ['referrals', 'add', 'Carol', 'Alice', '10'], message: /Referrals!\w+\d+.*cycle/is },
  { name: 'referrals add: second referrer', args: ['referrals', 'add', 'Dave', 'Carol', '5'], message: /Referrals!\w+\d+.*Carol.*(already|second|one referrer)/is },
  { name: 'referrals set-tax: no such referral', args: ['referrals', 'set-tax', 'Dave', 'Alice', '5'], message: /no referral from Dave to Alice/ },
  { name: 'users remove: unknown user', args: ['users', 'remove', 'Zed'], message: /no user "Zed"/ },
  { name: 'plan: negative pool', args: ['plan', '--pool', '-5'], message: /--pool.*-5/s },
  { name: 'plan: pool beyond the TAO supply', args: ['plan', '--pool', '99999999999999999999'], message: /--pool.*(supply|21,000,000|too large)/is },
  { name: 'plan: pool with 10 decimals', args: ['plan', '--pool', '1.0000000001'], message: /--pool/ },
  { name: 'plan: pool as text', args: ['plan', '--pool', 'lots'], message: /--pool.*lots/s },
  { name: 'plan: negative --to-block', args: ['plan', '--to-block', '-3'], message: /--to-block/ },
  { name: 'snapshot: interval 0', args: ['snapshot', '--once', '--interval', '0'], message: /--interval/ },
  { name: 'snapshot: network not a URL', args: ['snapshot', '--once', '--network', 'moon'], message: /--network.*moon/s },
  { name: 'stats: unknown user', args: ['stats', 'Zed'], message: /USER argument.*Zed/s },
  { name: 'init: existing workbook without --force', args: ['init'], message: /already exists.*--force/s },
  { name: 'init: bad hotkey', noWorkbook: true, args: ['init', '--hotkey', mistyped(A1)], message: /--hotkey.*checksum/s },
  { name: 'init: bad network', noWorkbook: true, args: ['init', '--network', 'ftp://example.org'], message: /--network.*ftp/s },
  { name: 'unknown option', args: ['check', '--frobnicate'], message: /frobnicate/ },
  { name: 'missing workbook', noWorkbook: true, args: ['check'], message: /no workbook at .*valtrac init/s },

  // CSV (import-users)
  { name: 'csv: bad checksum', files: csv(`Erin,${mistyped(NEW)}\n`), args: ['import-users', 'people.csv'], message: /people\.csv line 2, column 2.*checksum/s },
  { name: 'csv: wrong prefix', files: csv(`Erin,${address(77, 2)}\n`), args: ['import-users', 'people.csv'], message: /line 2, column 2.*prefix 2/s },
  { name: 'csv: zero-width character', files: csv(`Erin,${NEW}${ZWSP}\n`), args: ['import-users', 'people.csv'], message: /line 2, column 2.*invisible/s },
  { name: 'csv: leading space in address', files: csv(`Erin, ${NEW}\n`), args: ['import-users', 'people.csv'], message: /line 2, column 2.*space/s },
  { name: 'csv: duplicate key across users', files: csv(`Erin,${NEW}\nFrank,${address(78)},${NEW}\n`), args: ['import-users', 'people.csv'], message: /line 3, column 3.*also belongs to Erin/s },
  { name: 'csv: key already in the workbook', files: csv(`Erin,${A1}\n`), args: ['import-users', 'people.csv'], message: /Alice/ },
  { name: 'csv: duplicate names', files: csv(`Erin,${NEW}\nerin,${address(78)}\n`), args: ['import-users', 'people.csv'], message: /line 3, column 1.*erin/is },
  { name: 'csv: formula-injection name', files: csv(`=cmd|' /C calc'!A0,${NEW}\n`), args: ['import-users', 'people.csv'], message: /line 2, column 1.*formula/s },
  { name: 'csv: name starting with @', files: csv(`@SUM(1),${NEW}\n`), args: ['import-users', 'people.csv'], message: /line 2, column 1.*formula/s },
  { name: 'csv: no header', files: { 'people.csv': `Erin,${NEW}\n` }, args: ['import-users', 'people.csv'], message: /line 1.*header/s },
  { name: 'csv: broken quoting', files: { 'people.csv': `Name,Address1\n"Erin,${NEW}\n` }, args: ['import-users', 'people.csv'], message: /line \d.*quot/is },
  { name: 'csv: missing file', args: ['import-users', 'nothing-here.csv'], message: /nothing-here\.csv.*ENOENT/s },

  // Sheets: a person's save with a bad cell; check lists it (and plan refuses), naming sheet and cell.
  { name: 'sheet: bad checksum in Users', edit: (b) => void (users(b).getCell('B4').value = mistyped(A2)), args: ['check'], message: /Users!B4.*checksum/s },
  { name: 'sheet: wrong prefix in Users', edit: (b) => void (users(b).getCell('C4').value = address(77, 0)), args: ['check'], message: /Users!C4.*prefix/s },
  { name: 'sheet: whitespace around address', edit: (b) => void (users(b).getCell('B5').value = ` ${address(3)}`), args: ['check'], message: /Users!B5.*space/s },
  { name: 'sheet: zero-width in address', edit: (b) => void (users(b).getCell('B6').value = `${address(4)}${ZWSP}`), args: ['check'], message: /Users!B6.*invisible/s },
  { name: 'sheet: key in two users', edit: (b) => void (users(b).getCell('C6').value = A2), args: ['check'], message: /Users!C6.*also belongs to Bob/s },
  { name: 'sheet: formula as a name', edit: (b) => void (users(b).getCell('A7').value = { formula: 'HYPERLINK("http://evil","x")' } as Xlsx.CellFormulaValue), args: ['check'], message: /Users!A7/ },
  { name: 'sheet: tax 120', edit: (b) => void (referrals(b).getCell('C3').value = 120), args: ['check'], message: /Referrals!C3/ },
  { name: 'sheet: tax -5', edit: (b) => void (referrals(b).getCell('C3').value = -5), args: ['check'], message: /Referrals!C3/ },
  { name: 'sheet: plain 0.15 as ValTrac wrote it before', edit: (b) => void Object.assign(referrals(b).getCell('C3'), { value: 0.15, numFmt: '0.####' }), args: ['check'], message: SHEET_AMBIGUOUS_15 },
  { name: 'sheet: text 0.15', edit: (b) => void (referrals(b).getCell('C3').value = '0.15'), args: ['check'], message: /Referrals!C3: The tax "0\.15" could mean 15% or 0\.15%/ },
  { name: 'sheet: text 0,15 (decimal comma)', edit: (b) => void (referrals(b).getCell('C3').value = '0,15'), args: ['check'], message: /Referrals!C3: The tax "0,15" could mean 15% or 0\.15%/ },
  { name: 'sheet: plan refuses while a tax is 0.15', edit: (b) => void (referrals(b).getCell('C3').value = 0.15), args: ['plan', '--pool', '1'], message: /plan refuses.*Referrals!C3: The tax 0\.15 could mean 15% or 0\.15%/s },
  { name: 'sheet: confirm refuses while a tax is 0.15', edit: (b) => void (referrals(b).getCell('C3').value = 0.15), args: ['confirm', '--dry-run'], message: /confirm refuses.*Referrals!C3: The tax 0\.15 could mean 15% or 0\.15%/s },
  { name: 'sheet: tax as text', edit: (b) => void (referrals(b).getCell('C3').value = 'ten'), args: ['check'], message: /Referrals!C3.*ten/s },
  { name: 'sheet: unknown user in Referrals', edit: (b) => void (referrals(b).getCell('B4').value = 'Zed'), args: ['check'], message: /Referrals!B4.*Zed/s },
  {
    name: 'sheet: referral cycle',
    edit: (b) => {
      referrals(b).getCell('A5').value = 'Carol';
      referrals(b).getCell('B5').value = 'Alice';
      referrals(b).getCell('C5').value = 5;
    },
    args: ['check'],
    message: /Referrals!\w+\d.*cycle/is,
  },
  { name: 'sheet: bad Settings interval', edit: (b) => void (settings(b).getCell('B5').value = 'hourly'), args: ['check'], message: /Settings!B5.*hourly/s },
  { name: 'sheet: bad Settings network', edit: (b) => void (settings(b).getCell('B4').value = 'moon'), args: ['check'], message: /Settings!B4.*moon/s },
  { name: 'sheet: bad Settings tax mode', edit: (b) => void (settings(b).getCell('B7').value = 'sometimes'), args: ['check'], message: /Settings!B7.*sometimes/s },
  { name: 'sheet: plan refuses while a cell is bad', edit: (b) => void (users(b).getCell('B4').value = mistyped(A2)), args: ['plan', '--pool', '1'], message: /plan refuses.*Users!B4/s },
];

let base: string;
const folders: string[] = [];

beforeAll(async () => {
  base = tempDir();
  await baseWorkbook(base);
}, 120_000);

afterAll(() => {
  for (const dir of [base, ...folders]) fs.rmSync(dir, { recursive: true, force: true });
});

describe('bad input through the CLI', () => {
  it('has at least 30 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const dir = c.noWorkbook ? tempDir() : copyFolder(base);
    folders.push(dir);
    const workbook = path.join(dir, 'valtrac.xlsx');
    if (c.edit) await editWorkbook(workbook, c.edit);
    for (const [file, text] of Object.entries(c.files ?? {})) fs.writeFileSync(path.join(dir, file), text);
    const before = treeDigest(dir);

    const result = await valtrac([...c.args, '--workbook', workbook], { cwd: dir });

    const output = `${result.stderr}\n${result.stdout}`;
    expect(result.code, output).not.toBe(0);
    expect(output).toMatch(c.message);
    expect(output).not.toMatch(/\n\s+at .+:\d+:\d+\)?\n/);
    expect(treeDigest(dir)).toEqual(before);
  });
});
