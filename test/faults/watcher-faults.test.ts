/**
 * The watcher and the file system (issue 21, case 9): a save another program is still writing is waited for and read
 * again, never logged as a damaged file; a full disk while writing the marks is told once, and once it clears the
 * watcher writes the marks on its own, without another save. The full disk comes through the fault seam
 * (src/util/fsFault.ts), switched off under the running watcher by removing its flag file.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { readProblemRows } from '../../src/workbook/feedback.js';
import { CliProcess } from '../cliProcess.js';
import { address, baseWorkbookCopies, editWorkbook, mistyped } from './helpers.js';

const folder = baseWorkbookCopies();

async function problemCells(file: string): Promise<string[]> {
  const book = new Xlsx.Workbook();
  await book.xlsx.readFile(file);
  return readProblemRows(book.getWorksheet('Problems')!).map((p) => `${p.sheet}!${p.cell}`);
}

async function until(what: string, test: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await test().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('watch and the file system', { timeout: 180_000 }, () => {
  it('a save written in two parts, 600 ms apart, in place: no "cannot be read" line, the finished save is checked', async () => {
    const { dir, workbook } = folder();
    const edited = path.join(dir, 'edited.xlsx');
    fs.copyFileSync(workbook, edited);
    await editWorkbook(edited, (b) => void (b.getWorksheet('Users')!.getCell('B4').value = mistyped(address(2))));
    const bytes = fs.readFileSync(edited);
    fs.rmSync(edited);
    const watch = new CliProcess(['watch', '--workbook', workbook], { PATH: process.env.PATH, HOME: dir });
    try {
      await watch.waitFor(/watching /, 60_000);
      // Another program writes the file in place, slowly: the first half, a pause, then the rest.
      const fd = fs.openSync(workbook, 'r+');
      fs.ftruncateSync(fd, 0);
      fs.writeSync(fd, bytes, 0, Math.floor(bytes.length / 2), 0);
      await new Promise((resolve) => setTimeout(resolve, 600));
      fs.writeSync(fd, bytes, Math.floor(bytes.length / 2), bytes.length - Math.floor(bytes.length / 2), Math.floor(bytes.length / 2));
      fs.closeSync(fd);
      await watch.waitFor(/1 problem\(s\)/, 60_000);
      await until('the marks', async () => (await problemCells(workbook)).includes('Users!B4'));
      expect(watch.text()).not.toMatch(/cannot be read|Corrupted|Restore it/);
    } finally {
      watch.kill('SIGINT');
      await watch.exited;
    }
  });

  it('a full disk while marking: told once; when it clears the marks are written without another save', async () => {
    const { dir, workbook } = folder();
    const flag = path.join(path.dirname(dir), `${path.basename(dir)}-disk-full`);
    fs.writeFileSync(flag, '');
    const watch = new CliProcess(['watch', '--workbook', workbook], {
      PATH: process.env.PATH,
      HOME: dir,
      VALTRAC_FS_FAULT: 'ENOSPC@-write-',
      VALTRAC_FS_FAULT_WHILE: flag,
    });
    try {
      await watch.waitFor(/watching /, 60_000);
      await editWorkbook(workbook, (b) => void (b.getWorksheet('Users')!.getCell('B4').value = mistyped(address(2))));
      await watch.waitFor(/Writing the workbook .*valtrac\.xlsx failed: the disk is full\. .*The watcher tries again on its own/, 60_000);
      // Several retries pass while the disk stays full: still one line.
      await new Promise((resolve) => setTimeout(resolve, 4_000));
      expect(watch.output.filter((l) => /the disk is full/.test(l))).toHaveLength(1);
      expect(await problemCells(workbook)).toEqual([]);
      expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

      fs.rmSync(flag);
      await watch.waitFor(/earlier file-system failure has cleared/, 90_000);
      await until('the marks', async () => (await problemCells(workbook)).includes('Users!B4'));
    } finally {
      fs.rmSync(flag, { force: true });
      watch.kill('SIGINT');
      await watch.exited;
    }
  });
});
