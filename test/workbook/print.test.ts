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
import { median, pdfTextSizes } from '../helpers/pdf.js';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { addUser } from '../../src/workbook/edits.js';

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
    // alice has two addresses, bob one: Users prints Name and two address columns, not the five labelled ones
    await addUser(store, 'alice', [seed.ADDR.alice, seed.ADDR.alice2]);
    await addUser(store, 'bob', [seed.ADDR.bob]);
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

  it('every sheet: landscape, the columns a person reads, title and header rows repeated on every page', async () => {
    const setup = await editor.send({ op: 'print' });
    const printed: Record<string, number> = { Users: 3, Referrals: 4, Settings: 3, Snapshots: 8, Payouts: 11, Problems: 4 };
    // wider than one page at 56 %: two pages wide at a readable size rather than one page of 2-3 pt text
    const wide: Record<string, number> = { Users: 1, Referrals: 1, Settings: 1, Snapshots: 2, Payouts: 2, Problems: 2 };
    for (const sheet of SHEET_ORDER) {
      expect(setup[sheet], sheet).toEqual({ titleRows: [1, 2], landscape: true, pagesWide: wide[sheet], pagesTall: 0, printColumns: [[1, printed[sheet]]] });
    }
  });

  it('the PDF export: landscape pages whose text a person can read (measured: at least 6 pt on every page)', async () => {
    const pdf = path.join(path.dirname(file), 'valtrac.pdf');
    await editor.send({ op: 'pdf', path: pdf });
    const pages = pdfPages(pdf);
    expect(pages.length).toBeGreaterThanOrEqual(SHEET_ORDER.length);
    expect(pages.length).toBeLessThanOrEqual(24);
    for (const page of pages) expect(page.width).toBeGreaterThan(page.height);
    const sizes = pdfTextSizes(pdf);
    expect(sizes).toHaveLength(pages.length);
    // Payouts' 19 columns on one page width drew its text at 2.4 pt; Users' empty address columns shrank it to 4 pt
    for (const [i, page] of sizes.entries()) expect(median(page), `page ${i + 1}: ${page.slice(0, 5).join(', ')} pt`).toBeGreaterThanOrEqual(6);
  });

  it('a block hash is indented from the block number beside it (Snapshots printed them as one run of digits)', async () => {
    const workbook = new Xlsx.Workbook();
    await workbook.xlsx.readFile(file);
    const snapshots = workbook.getWorksheet('Snapshots')!;
    expect(snapshots.getCell('B3').alignment?.indent).toBe(1);
    expect(snapshots.getCell('B122').alignment?.indent).toBe(1);
  });

  it('the print areas survive a read and write by the xlsx library (whole-column areas came back as ANaN:KNaN)', async () => {
    const first = new Xlsx.Workbook();
    await first.xlsx.readFile(file);
    expect(first.getWorksheet('Payouts')!.pageSetup.printArea).toBe('A1:K122');
    expect(first.getWorksheet('Snapshots')!.pageSetup.printArea).toBe('A1:H122');
    const again = path.join(path.dirname(file), 'again.xlsx');
    await first.xlsx.writeFile(again);
    const second = new Xlsx.Workbook();
    await second.xlsx.readFile(again);
    expect(second.getWorksheet('Users')!.pageSetup.printArea).toBe('A1:C4');
  });
});
