import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import { createWorkbook } from '../../src/workbook/layout.js';
import { SHEET_ORDER } from '../../src/workbook/schema.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import * as seed from '../fixtures/seed.js';
import { tempDir } from '../helpers.js';
import { Editor } from '../helpers/libreoffice.js';

/** Page count and each page's size (points), read from the PDF's page objects. */
function pdfPages(file: string): Array<{ width: number; height: number }> {
  const text = fs.readFileSync(file).toString('latin1');
  const pages = [...text.matchAll(/\/Type\s*\/Page\b(?!s)[\s\S]*?\/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]/g)];
  return pages.map((m) => ({ width: Number(m[3]) - Number(m[1]), height: Number(m[4]) - Number(m[2]) }));
}

describe('the workbook prints (LibreOffice reads its page setup and exports it to PDF)', () => {
  let editor: Editor;
  let file: string;

  beforeAll(async () => {
    file = path.join(tempDir('print'), 'valtrac.xlsx');
    const store = new WorkbookStore(file);
    await store.create(createWorkbook({ ...DEFAULT_SETTINGS }), false);
    // Enough rows that Snapshots and Payouts run over several pages.
    const snapshot = seed.snapshots[0]!;
    await store.apply({ kind: 'appendSnapshots', rows: Array.from({ length: 120 }, (_, i) => ({ ...snapshot, block: 1000 + i * 300 })) });
    const row = seed.payouts[0]!;
    await store.apply({ kind: 'replacePlan', rows: Array.from({ length: 120 }, (_, i) => ({ ...row, planId: 'P1', status: 'planned' as const, user: `user${i}` })) });
    editor = await Editor.start();
    await editor.send({ op: 'open', path: file });
  }, 180_000);

  afterAll(async () => {
    await editor?.quit();
  });

  it('every sheet: landscape, all columns on one page width, title and header rows repeated on every page', async () => {
    const setup = await editor.send({ op: 'print' });
    for (const sheet of SHEET_ORDER) {
      expect(setup[sheet], sheet).toEqual({ titleRows: [1, 2], landscape: true, pagesWide: 1, pagesTall: 0 });
    }
  });

  it('the PDF export has landscape pages, a few per sheet instead of one per column', async () => {
    const pdf = path.join(path.dirname(file), 'valtrac.pdf');
    await editor.send({ op: 'pdf', path: pdf });
    const pages = pdfPages(pdf);
    // At least a page per sheet; without the page setup Payouts alone took a page per column and row block.
    expect(pages.length).toBeGreaterThanOrEqual(SHEET_ORDER.length);
    expect(pages.length).toBeLessThanOrEqual(16);
    for (const page of pages) expect(page.width).toBeGreaterThan(page.height);
  });
});
