import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createWorkbook } from '../../src/workbook/layout.js';
import { Notices } from '../../src/workbook/notices.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { WorkbookWatcher } from '../../src/workbook/watcher.js';
import { tempDir } from '../helpers.js';

let watcher: WorkbookWatcher | null = null;
afterEach(async () => {
  await watcher?.close();
  watcher = null;
});

describe('WorkbookWatcher', () => {
  it("logs a notice another process's write recorded (an older copy it re-applied), once, and not those from before it started", { timeout: 60_000 }, async () => {
    const file = path.join(tempDir('watcher'), 'valtrac.xlsx');
    const store = new WorkbookStore(file);
    await store.create(createWorkbook({}), false);
    const notices = new Notices(store.notices.path);
    await notices.add([{ sheet: 'Users', cell: '', message: 'Told before the watcher started.', fix: 'Nothing.' }]);
    const lines: string[] = [];
    watcher = new WorkbookWatcher(store, { checked: () => undefined, note: (m) => lines.push(m) });
    await watcher.start();
    await watcher.idle();

    // Another ValTrac process re-applied an older copy's missing changes: its notice is in the file, not in this log.
    await notices.add([{ sheet: 'Users', cell: '', message: 'An older copy of the workbook was saved over it; re-applied: users add Erin.', fix: 'Nothing.' }]);
    const book = new Xlsx.Workbook();
    await book.xlsx.readFile(file);
    book.getWorksheet('Users')!.getCell('A3').value = 'Alice';
    await book.xlsx.writeFile(file);
    for (let i = 0; !lines.some((l) => /older copy/.test(l)); i++) {
      expect(i, lines.join('\n')).toBeLessThan(300);
      await sleep(100);
    }
    await watcher.idle();
    expect(lines.filter((l) => /older copy/.test(l))).toEqual(['Users: An older copy of the workbook was saved over it; re-applied: users add Erin.']);
    expect(lines.filter((l) => /Told before/.test(l))).toEqual([]);
  });
});

describe('WorkbookStore.refreshFeedback', () => {
  // The watcher checks with refreshFeedback; an older copy saved over the file while that check runs is caught up by
  // it (not by applyPending), and the watcher can only say so when refreshFeedback reports it.
  it('reports the catch-up of an older copy it re-applied while writing the marks', { timeout: 60_000 }, async () => {
    const file = path.join(tempDir('watcher'), 'valtrac.xlsx');
    const store = new WorkbookStore(file);
    await store.create(createWorkbook({}), false);
    const older = readFileSync(file);
    await store.apply({ kind: 'setSettings', settings: { snapshotInterval: 360 } });
    writeFileSync(file, older);

    const first = await store.refreshFeedback(null);
    expect(first.outcome).toBe('written');
    expect(first.catchUp.outcome).toBe('written');
    expect(first.catchUp.olderCopy?.reapplied.map((c) => c.kind)).toEqual(['setSettings']);
    expect((await store.read()).settings.snapshotInterval).toBe(360);

    const again = await store.refreshFeedback(null);
    expect(again.catchUp.outcome).toBe('none');
  });
});
