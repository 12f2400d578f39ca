/**
 * Case 3 of issue 11: while a person has the workbook open in a real LibreOffice, `referrals remove Alice Bob` and
 * `users remove Bob` wait in the journal; the person renames Bob to Robert in both sheets and closes the file. Neither
 * removal can apply any more: both are listed in Problems and in the output with what was not applied and why, the
 * output never says they were written, and Robert and the referral are still there (nothing removed by a guess).
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProblemRows } from '../../src/workbook/feedback.js';
import { Editor } from '../helpers/libreoffice.js';
import { address, readSheet, tempDir, valtrac } from './helpers.js';

let dir: string;
let workbook: string;
let editor: Editor;

async function ok(args: string[]): Promise<string> {
  const r = await valtrac([...args, '--workbook', workbook], { cwd: dir });
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  dir = tempDir();
  workbook = path.join(dir, 'valtrac.xlsx');
  await ok(['init', '--hotkey', address(999)]);
  await ok(['users', 'add', 'Alice', address(1)]);
  await ok(['users', 'add', 'Bob', address(2)]);
  await ok(['referrals', 'add', 'Alice', 'Bob', '10']);
  editor = await Editor.start();
}, 180_000);

afterAll(async () => {
  await editor?.quit();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('journalled changes that no longer apply when the editor closes', { timeout: 240_000 }, () => {
  it('go to Problems and the output with what was not applied and why, and are never reported as written', async () => {
    await editor.send({ op: 'open', path: workbook });
    const removeReferral = await ok(['referrals', 'remove', 'Alice', 'Bob']);
    const removeUser = await ok(['users', 'remove', 'Bob']);
    for (const out of [removeReferral, removeUser]) expect(out).toMatch(/open in an editor.*journal/s);

    await editor.send({ op: 'set', sheet: 'Users', cell: 'A4', text: 'Robert' });
    await editor.send({ op: 'set', sheet: 'Referrals', cell: 'B3', text: 'Robert' });
    await editor.send({ op: 'save' });
    await editor.send({ op: 'close' });

    const r = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(r.stdout).not.toMatch(/Wrote the changes that waited/);
    expect(r.stdout).toMatch(/Of the 2 changes that waited while the workbook was open in an editor, 0 were written and 2 could not be applied/);
    expect(r.stdout).toMatch(/Not applied \(listed in Problems\): referrals remove Alice Bob: There is no referral from Alice to Bob in Referrals/);
    expect(r.stdout).toMatch(/Not applied \(listed in Problems\): users remove Bob: There is no user "Bob" in Users/);

    const book = new Xlsx.Workbook();
    await book.xlsx.readFile(workbook);
    const notices = readProblemRows(book.getWorksheet('Problems')!);
    expect(notices.map((p) => p.sheet)).toEqual(['Referrals', 'Users']);
    expect(notices[0]!.message).toMatch(/^Not applied: referrals remove Alice Bob \(.*\)\. There is no referral from Alice to Bob in Referrals/);
    expect(notices[1]!.message).toMatch(/^Not applied: users remove Bob \(.*\)\. There is no user "Bob" in Users/);
    expect(notices.every((p) => /waited while the workbook was open in an editor/.test(p.message))).toBe(true);
    // Nothing was removed by a guess: the person's Robert and the referral to him are there.
    expect((await readSheet(workbook, 'Users')).slice(2).map((row) => row[0])).toEqual(['Alice', 'Robert']);
    expect((await readSheet(workbook, 'Referrals')).slice(2).map((row) => `${row[0]}>${row[1]}`)).toEqual(['Alice>Robert']);
    expect(fs.existsSync(path.join(dir, '.valtrac-journal.jsonl'))).toBe(false);
  });
});
