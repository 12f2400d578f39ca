/**
 * Case 6 of issue 11: the workbook's folder goes away while `valtrac watch` runs (deleted by a sync tool, moved).
 * The watcher says so in one line, keeps running, and when the folder is back checks and marks the workbook as before;
 * it ends with exit code 0 when stopped. The real CLI as a child process, real folders.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readProblemRows } from '../../src/workbook/feedback.js';
import { CliProcess } from '../cliProcess.js';
import { baseWorkbook, editWorkbook, mistyped, address, tempDir } from './helpers.js';

let parent: string;
let dir: string;
let workbook: string;

beforeAll(async () => {
  parent = tempDir();
  dir = path.join(parent, 'workbook');
  fs.mkdirSync(dir);
  await baseWorkbook(dir);
  workbook = path.join(dir, 'valtrac.xlsx');
}, 180_000);

afterAll(() => {
  fs.rmSync(parent, { recursive: true, force: true });
});

async function problems(file: string) {
  const book = new Xlsx.Workbook();
  await book.xlsx.readFile(file);
  return readProblemRows(book.getWorksheet('Problems')!);
}

describe('valtrac watch when its folder goes away', { timeout: 300_000 }, () => {
  it('says so once, waits, and carries on when the folder is back (deleted, then moved away and back)', async () => {
    const kept = path.join(parent, 'kept.xlsx');
    const watch = new CliProcess(['watch', '--workbook', workbook]);
    try {
      await watch.waitFor(/watching/, 120_000);
      fs.copyFileSync(workbook, kept);

      fs.rmSync(dir, { recursive: true });
      await watch.waitFor(/The folder .*workbook is gone \(moved or deleted\); waiting for it to come back/, 60_000);
      expect(watch.alive()).toBe(true);

      // It comes back (the sync tool restores it) with a person's edit in it: the watcher checks and marks it.
      fs.mkdirSync(dir);
      await editWorkbook(kept, (b) => void (b.getWorksheet('Users')!.getCell('B4').value = mistyped(address(2))));
      fs.copyFileSync(kept, workbook);
      await watch.waitFor(/is back; watching it again/, 60_000);
      await watch.waitFor(/1 problem\(s\)/, 60_000);
      for (let i = 0; (await problems(workbook)).length === 0; i++) {
        expect(i, 'the marks never arrived').toBeLessThan(600);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await problems(workbook)).map((p) => `${p.sheet}!${p.cell}`)).toEqual(['Users!B4']);

      // Moved away and back (a folder rename): the same, and still one line each way.
      const away = path.join(parent, 'moved-away');
      fs.renameSync(dir, away);
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (watch.output.filter((l) => /is gone/.test(l)).length === 2) resolve(void clearInterval(poll));
        }, 50);
      });
      fs.renameSync(away, dir);
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (watch.output.filter((l) => /is back/.test(l)).length === 2) resolve(void clearInterval(poll));
        }, 50);
      });
      expect(watch.alive()).toBe(true);
      expect(watch.output.filter((l) => /failed|no workbook at|Error/i.test(l))).toEqual([]);
    } finally {
      watch.kill('SIGTERM');
    }
    const { code } = await watch.exited;
    expect(code, watch.text()).toBe(0);
  });
});
