/**
 * Case 9 of issue 11: the validator hotkey from Settings typed as a user's payout address. That is told offline (it
 * is the Settings value), so it is refused wherever it comes in: `users add`, a CSV import, a person's save.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { address, baseWorkbookCopies, editWorkbook, treeDigest, valtrac } from './helpers.js';

/** The hotkey baseWorkbook puts in Settings. */
const HOTKEY = address(999);
const folder = baseWorkbookCopies();

const refused = new RegExp(`Users![B-Z]\\d+: The address ${HOTKEY} is the validator hotkey \\(Settings!B3\\), not a person's coldkey`);

describe('the Settings hotkey as a user address', () => {
  it.each([
    ['users add', ['users', 'add', 'Erin', HOTKEY], {}],
    ['users add, as a second address of Alice', ['users', 'add', 'Alice', HOTKEY], {}],
    ['import-users', ['import-users', 'people.csv'], { 'people.csv': `Name,Address1\nErin,${HOTKEY}\n` }],
  ] as const)('%s: refused, naming the Settings cell, nothing written', async (_name, args, files) => {
    const { dir, workbook } = folder();
    for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
    const before = treeDigest(dir);
    const r = await valtrac([...args, '--workbook', workbook], { cwd: dir });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/nothing was (written|imported)/);
    expect(r.stderr).toMatch(refused);
    expect(treeDigest(dir)).toEqual(before);
  });

  it('typed in the sheet: check flags the cell, and plan refuses', async () => {
    const { dir, workbook } = folder();
    await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getCell('B6').value = HOTKEY));
    const check = await valtrac(['check', '--workbook', workbook], { cwd: dir });
    expect(check.code).toBe(1);
    expect(check.stdout).toMatch(/Users!B6: The address .* is the validator hotkey \(Settings!B3\)/);
    const plan = await valtrac(['plan', '--pool', '1', '--workbook', workbook], { cwd: dir });
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toMatch(/plan refuses.*Users!B6/s);
  });
});
