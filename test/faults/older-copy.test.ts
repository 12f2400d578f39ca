/**
 * Case 2 of issue 11: a person saves an older copy of the workbook over it after `valtrac users add`. The older copy
 * carries the version of ValTrac's write it descends from, so ValTrac knows exactly what it lacks: the user added
 * (and the referral) come back, the person's own edit in that copy stays, and Problems, `check` and the watcher's log
 * say what was re-applied. Through the real CLI; `watch` as a child process.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { readProblemRows } from '../../src/workbook/feedback.js';
import { CliProcess } from '../cliProcess.js';
import { address, baseWorkbookCopies, editWorkbook, readSheet, valtrac } from './helpers.js';

const folder = baseWorkbookCopies();

async function ok(args: string[], workbook: string): Promise<string> {
  const r = await valtrac([...args, '--workbook', workbook], { cwd: path.dirname(workbook) });
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}

/** ValTrac adds Erin and a referral; then the copy from before, with a person's own new user Frank, is saved over. */
async function saveOlderCopyOver(workbook: string): Promise<void> {
  const older = fs.readFileSync(workbook);
  await ok(['users', 'add', 'Erin', address(6)], workbook);
  await ok(['referrals', 'add', 'Carol', 'Dave', '5'], workbook);
  const copy = path.join(path.dirname(workbook), 'copy-from-yesterday.xlsx');
  fs.writeFileSync(copy, older);
  await editWorkbook(copy, (b) => void (b.getWorksheet('Users')!.getRow(8).values = ['Frank', address(7)]));
  fs.renameSync(copy, workbook);
}

async function problemsSheet(workbook: string) {
  const book = new Xlsx.Workbook();
  await book.xlsx.readFile(workbook);
  return readProblemRows(book.getWorksheet('Problems')!);
}

describe('an older copy saved over the workbook after valtrac users add', () => {
  it('check re-applies what ValTrac wrote after that copy, keeps the person\'s edit, and says so in its output and in Problems', async () => {
    const { workbook } = folder();
    await saveOlderCopyOver(workbook);

    const r = await valtrac(['check', '--workbook', workbook], { cwd: path.dirname(workbook) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/older copy of the workbook \(ValTrac's version \d+ of .+\) was saved over.*re-applied: users add Erin; referrals add Carol Dave 5%/);
    expect(r.stdout).toMatch(/No problems: 6 users, 3 referrals/);

    const users = (await readSheet(workbook, 'Users')).slice(2).map((row) => row[0]);
    expect(users).toEqual(expect.arrayContaining(['Alice', 'Bob', 'Carol', 'Dave', 'Frank', 'Erin']));
    expect(users.filter((u) => u === 'Erin')).toHaveLength(1);
    const referrals = (await readSheet(workbook, 'Referrals')).slice(2).map((row) => `${row[0]}>${row[1]}`);
    expect(referrals).toEqual(['Alice>Bob', 'Bob>Carol', 'Carol>Dave']);
    const notices = await problemsSheet(workbook);
    expect(notices.map((p) => p.sheet).sort()).toEqual(['Referrals', 'Users']);
    expect(notices.find((p) => p.sheet === 'Users')!.message).toMatch(/older copy.*re-applied to Users: users add Erin/);

    // Told once: the next command finds the workbook up to date, and the notice stays listed for the week.
    const again = await valtrac(['check', '--workbook', workbook], { cwd: path.dirname(workbook) });
    expect(again.stdout).not.toMatch(/; ValTrac re-applied:/);
    expect(again.stdout).toMatch(/Notices.*\nUsers: An older copy/);
  });

  it('valtrac watch notices the older copy on its own, re-applies it, and says so in its log', { timeout: 180_000 }, async () => {
    const { workbook } = folder();
    const watch = new CliProcess(['watch', '--workbook', workbook]);
    try {
      await watch.waitFor(/watching/, 90_000);
      await saveOlderCopyOver(workbook);
      const line = await watch.waitFor(/older copy/, 60_000);
      expect(line).toMatch(/re-applied: users add Erin; referrals add Carol Dave 5%/);
      const users = (await readSheet(workbook, 'Users')).slice(2).map((row) => row[0]);
      expect(users).toEqual(expect.arrayContaining(['Frank', 'Erin']));
      expect((await problemsSheet(workbook)).some((p) => /older copy/.test(p.message))).toBe(true);
    } finally {
      watch.kill('SIGTERM');
      await watch.exited;
    }
  });
});
