/**
 * Case 7 of issue 11: a LibreOffice that crashed leaves `.~lock.valtrac.xlsx#`, and every write waits in the journal.
 * With a real LibreOffice killed with SIGKILL: every message that says changes wait names the lock file, its age, that
 * it looks abandoned (no LibreOffice on this machine has it open) and how to clear it; so does the watcher's log. A
 * LibreOffice that really has the file open is not called abandoned. An Excel lock older than the threshold is.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliProcess } from '../cliProcess.js';
import { Editor } from '../helpers/libreoffice.js';
import { address, readSheet, tempDir, valtrac } from './helpers.js';

let dir: string;
let workbook: string;
let lock: string;
let editor: Editor;

async function run(args: string[]) {
  const r = await valtrac([...args, '--workbook', workbook], { cwd: dir });
  expect(r.code, `${args.join(' ')}: ${r.stderr}${r.stdout}`).toBe(0);
  return r.stdout;
}

const escaped = (text: string) => text.replace(/[.$~#]/g, '\\$&');

beforeAll(async () => {
  dir = tempDir();
  workbook = path.join(dir, 'valtrac.xlsx');
  lock = path.join(dir, '.~lock.valtrac.xlsx#');
  await run(['init', '--hotkey', address(999)]);
  await run(['users', 'add', 'Alice', address(1)]);
  editor = await Editor.start();
}, 180_000);

afterAll(async () => {
  await editor?.quit();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('editor locks that make ValTrac wait', { timeout: 300_000 }, () => {
  it('a LibreOffice that has the file open: named with its lock file and age, not called abandoned', async () => {
    await editor.send({ op: 'open', path: workbook });
    const out = await run(['users', 'add', 'Bob', address(2)]);
    expect(out).toMatch(new RegExp(`saved in the journal.*LibreOffice's lock file ${escaped(lock)} \\(\\d+ s old, by \\S+ on ${escaped(os.hostname())}\\) says the workbook is open; close it there`));
    expect(out).not.toMatch(/abandoned/);
    await editor.send({ op: 'close' });
    expect(await run(['check'])).toMatch(/Wrote the changes that waited/);
  });

  it('a LibreOffice that crashed: every message and the watcher say the lock looks abandoned and how to clear it', async () => {
    await editor.send({ op: 'open', path: workbook });
    await editor.send({ op: 'crash' });
    expect(fs.existsSync(lock)).toBe(true);
    const abandoned = new RegExp(
      `LibreOffice's lock file ${escaped(lock)} \\(\\d+ (s|min) old, by .*\\) looks abandoned: no LibreOffice process on this machine has it open \\(the editor crashed or was killed\\)\\. If nobody has the workbook open, delete ${escaped(lock)}; ValTrac then writes what waits`,
    );

    const add = await run(['users', 'add', 'Carol', address(3)]);
    expect(add).toMatch(/saved in the journal/);
    expect(add).toMatch(abandoned);
    const check = await run(['check']);
    expect(check).toMatch(/Changes are still waiting: the workbook is open in an editor \(1 in the journal\)/);
    expect(check).toMatch(abandoned);

    const watch = new CliProcess(['watch', '--workbook', workbook]);
    try {
      await watch.waitFor(abandoned, 120_000);
      fs.rmSync(lock);
      await watch.waitFor(/Wrote the changes that waited/, 60_000);
    } finally {
      watch.kill('SIGTERM');
      await watch.exited;
    }
    expect((await readSheet(workbook, 'Users')).slice(2).map((row) => row[0])).toEqual(['Alice', 'Bob', 'Carol']);
  });

  it("an Excel lock older than 12 hours is named as abandoned by its age", async () => {
    const excel = path.join(dir, '~$valtrac.xlsx');
    fs.writeFileSync(excel, Buffer.alloc(165, 0x20));
    const then = new Date(Date.now() - 13 * 3_600_000);
    fs.utimesSync(excel, then, then);
    const out = await run(['users', 'add', 'Dave', address(4)]);
    expect(out).toMatch(new RegExp(`Excel's lock file ${escaped(excel)} \\(13 h old\\) looks abandoned: it is more than 12 h old\\. If nobody has the workbook open, delete ${escaped(excel)}`));
    fs.rmSync(excel);
  });
});
