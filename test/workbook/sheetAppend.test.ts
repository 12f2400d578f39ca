import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { base58Decode, base58Encode } from '@polkadot/util-crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from '../../src/domain/settings.js';
import type { PayoutRow, SnapshotSummary } from '../../src/domain/types.js';
import { zipDirectory } from '../../src/util/zipEntry.js';
import { createWorkbook } from '../../src/workbook/layout.js';
import { appendSnapshotsInPlace } from '../../src/workbook/sheetAppend.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { Editor } from '../helpers/libreoffice.js';
import { addresses, repoRoot, tempDir } from '../helpers.js';

// Appending Snapshots rows rewrites only the Snapshots sheet, the workbook part (its print area) and the properties
// (the version mark), when the file is exactly ValTrac's last write; otherwise, or when the package is not in the
// shape that path knows, the whole workbook is written as before. Checked against the full write, openpyxl and a real
// LibreOffice.

const run = promisify(execFile);
const sr = await addresses(8);
const CHANGED = new Set(['xl/worksheets/sheet4.xml', 'xl/workbook.xml', 'docProps/core.xml']);

function badChecksum(address: string): string {
  const bytes = base58Decode(address);
  bytes[bytes.length - 1] ^= 0x01;
  return base58Encode(bytes);
}

function snapshot(block: number, extra: Partial<SnapshotSummary> = {}): SnapshotSummary {
  return {
    block,
    blockHash: `0x${block.toString(16).padStart(64, 'a')}`,
    time: new Date(Date.UTC(2026, 11, 1) + block * 12_000),
    totalStake: 2_133_078_026_046_868n + BigInt(block),
    delegateStake: 729_103_847_436n,
    nominatorStake: 2_132_348_922_199_432n + BigInt(block),
    nominators: 4478,
    usersStake: 815_975_924_024_548n,
    ...extra,
  };
}

function payout(planId: string, user: string, address: string, amount: bigint, extra: Partial<PayoutRow> = {}): PayoutRow {
  return {
    planId, status: 'planned', fromBlock: 300, toBlock: 1200, pool: 1_500_000_000n, user, address, basePpb: 333_333_333n,
    taxPaid: 0n, taxReceived: 7n, amount, batch: null, extrinsicHash: null, blockNumber: null, blockHash: null, note: '', delivered: null,
    ...extra,
  };
}

/**
 * A workbook as ValTrac leaves it after a few writes: users (one with a mistyped address: a red cell with a note and a
 * Problems row), a referral (its dropdowns), and Snapshots rows written by the full write.
 */
async function workbook(name: string): Promise<{ dir: string; file: string; store: WorkbookStore }> {
  const dir = tempDir(`sheet-append-${name}`);
  const file = path.join(dir, 'valtrac.xlsx');
  const store = new WorkbookStore(file);
  await store.create(createWorkbook({ ...DEFAULT_SETTINGS, hotkey: sr[7]! }), false);
  await store.apply({ kind: 'addUsers', users: [{ name: 'alice', addresses: [sr[0]!, sr[1]!] }, { name: 'bob', addresses: [badChecksum(sr[2]!)] }] });
  await store.apply({ kind: 'addReferral', referrer: 'alice', referee: 'bob', taxPpm: '150000' });
  return { dir, file, store };
}

/** A copy of the workbook's folder (the file and ValTrac's record of its writes), as a second store sees it. */
function copyFolder(dir: string, name: string): { dir: string; file: string; store: WorkbookStore } {
  const copy = tempDir(`sheet-append-${name}`);
  fs.cpSync(dir, copy, { recursive: true });
  const file = path.join(copy, 'valtrac.xlsx');
  return { dir: copy, file, store: new WorkbookStore(file) };
}

/** Everything the reader gives of a workbook, cell by cell (values, types, styles, notes) and sheet by sheet. */
async function contents(file: string): Promise<unknown> {
  const book = await Xlsx.readXlsxFile(file);
  const sheets: Record<string, unknown> = {};
  book.eachSheet((sheet) => {
    const cells: Record<string, unknown> = {};
    sheet.eachRow({ includeEmpty: true }, (row, r) => {
      row.eachCell({ includeEmpty: true }, (cell) => {
        let value = cell.value;
        // The title of Problems carries the time of the check; the in-place append keeps the one the last write made.
        if (sheet.name === 'Problems' && r === 1 && typeof value === 'string') value = value.replace(/checked [^)]*/, 'checked (time)');
        const note = cell.note;
        cells[cell.address] = { value, type: cell.type, style: cell.style, note: typeof note === 'string' ? note : (note?.texts ?? []).map((t) => t.text).join('') };
      });
    });
    sheets[sheet.name] = {
      cells,
      rowCount: sheet.rowCount,
      columns: (sheet.columns ?? []).map((c) => c.width),
      views: sheet.views,
      pageSetup: sheet.pageSetup,
      validations: (sheet as unknown as { dataValidations: { model: unknown } }).dataValidations.model,
      properties: sheet.properties,
    };
  });
  return { keywords: book.keywords, sheets };
}

/** Each member's local header and compressed data, as stored. */
function storedMembers(file: string): Map<string, Buffer> {
  const data = fs.readFileSync(file);
  const members = zipDirectory(data)!;
  const out = new Map<string, Buffer>();
  for (const m of members) {
    const nameAndExtra = data.readUInt16LE(m.localHeader + 26) + data.readUInt16LE(m.localHeader + 28);
    out.set(m.name, data.subarray(m.localHeader, m.localHeader + 30 + nameAndExtra + m.compressedSize));
  }
  return out;
}

const py = (script: string, ...args: string[]) => run('/usr/bin/python3', ['-c', script, ...args]).then((r) => JSON.parse(r.stdout) as Record<string, unknown>);

/** What openpyxl sees: the Snapshots rows, the validations and the notes of every sheet. */
const OPENPYXL_VIEW = `
import json, sys, openpyxl
book = openpyxl.load_workbook(sys.argv[1])
out = {"snapshots": [], "validations": {}, "notes": {}, "users": []}
for row in book["Snapshots"].iter_rows(min_row=3, values_only=True):
    out["snapshots"].append([v.isoformat() if hasattr(v, "isoformat") else v for v in row[:9]])
for row in book["Users"].iter_rows(min_row=3, values_only=True):
    out["users"].append([v for v in row if v is not None])
for sheet in book.worksheets:
    out["validations"][sheet.title] = sorted("%s %s %s" % (v.type, v.sqref, v.formula1) for v in sheet.data_validations.dataValidation)
    out["notes"][sheet.title] = sorted(c.coordinate for row in sheet.iter_rows() for c in row if c.comment is not None)
print(json.dumps(out))
`;

let editor: Editor | null = null;
afterAll(async () => {
  await editor?.quit();
});

describe('appending Snapshots rows in place', { timeout: 240_000 }, () => {
  it('gives the file the full write gives, and copies every other member byte for byte', async () => {
    const { dir, store } = await workbook('equal');
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(300), snapshot(600)] });
    const fast = copyFolder(dir, 'fast');
    const full = copyFolder(dir, 'full');
    // Without the record of what the last write left, the store cannot know the file is its own: the whole workbook.
    fs.rmSync(path.join(full.dir, '.valtrac-writes.jsonl'));
    const before = storedMembers(fast.file);
    const rows = [
      snapshot(600),
      snapshot(900),
      // Not exact as a float: stored as text (an inline string here, a shared string in the full write).
      snapshot(1200, { totalStake: 21_000_000_123_456_789_001n, escrowStake: 5_000_000_001n }),
      snapshot(1500, { blockHash: ' <&"odd"> ', nominators: 0 }),
    ];
    await fast.store.apply({ kind: 'appendSnapshots', rows });
    await full.store.apply({ kind: 'appendSnapshots', rows });
    expect(fast.store.lastWrite).toEqual({ how: 'sheet', why: null });
    expect(full.store.lastWrite).toEqual({ how: 'workbook', why: 'the record of writes does not say what the last write left' });

    expect(await contents(fast.file)).toEqual(await contents(full.file));
    const read = await fast.store.read();
    expect(read.snapshots.map((s) => s.block)).toEqual([300, 600, 900, 1200, 1500]);
    expect(read).toEqual(await full.store.read());

    const after = storedMembers(fast.file);
    expect([...after.keys()]).toEqual([...before.keys()]);
    for (const [name, bytes] of after) if (!CHANGED.has(name)) expect(bytes.equals(before.get(name)!), name).toBe(true);
    for (const name of CHANGED) expect(after.get(name)!.equals(before.get(name)!), name).toBe(false);

    // The next append starts from this one's record, and the watcher knows the file as this process's own write.
    await fast.store.apply({ kind: 'appendSnapshots', rows: [snapshot(1800)] });
    expect(fast.store.lastWrite?.how).toBe('sheet');
    expect(fast.store.lastWritten).toBe(`${fs.statSync(fast.file).ino}:${fs.statSync(fast.file).size}:${fs.statSync(fast.file).mtimeMs}`);
    expect(fs.readdirSync(path.join(fast.dir, '.backup')).length).toBeGreaterThan(0);
    expect((await fast.store.read()).snapshots.at(-1)!.block).toBe(1800);
  });

  it('appends the first row of a new workbook into the row its layout styled', async () => {
    const { dir, store } = await workbook('first');
    const full = copyFolder(dir, 'first-full');
    fs.rmSync(path.join(full.dir, '.valtrac-writes.jsonl'));
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(300)] });
    await full.store.apply({ kind: 'appendSnapshots', rows: [snapshot(300)] });
    expect(store.lastWrite?.how).toBe('sheet');
    expect(await contents(store.path)).toEqual(await contents(full.file));
  });

  it('openpyxl opens the file and sees the new rows, the validations and the notes', async () => {
    const { store } = await workbook('openpyxl');
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(300)] });
    const expected = await py(OPENPYXL_VIEW, store.path);
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(600, { escrowStake: 7n }), snapshot(900)] });
    expect(store.lastWrite?.how).toBe('sheet');
    const seen = await py(OPENPYXL_VIEW, store.path);
    expect(seen.validations).toEqual(expected.validations);
    expect(seen.notes).toEqual(expected.notes);
    expect((seen.notes as Record<string, string[]>).Users).toContain('B4');
    expect((seen.validations as Record<string, string[]>).Referrals).toHaveLength(3);
    expect(seen.snapshots).toEqual([
      [300, snapshot(300).blockHash, '2026-12-01T01:00:00', 2133078.026047168, 729.103847436, 2132348.922199732, 4478, 815975.924024548, null],
      [600, snapshot(600).blockHash, '2026-12-01T02:00:00', 2133078.026047468, 729.103847436, 2132348.922200032, 4478, 815975.924024548, 0.000000007],
      [900, snapshot(900).blockHash, '2026-12-01T03:00:00', 2133078.026047768, 729.103847436, 2132348.922200332, 4478, 815975.924024548, null],
    ]);
  });

  it('falls back to the full write on a file openpyxl saved, and the result is right', async () => {
    const { store } = await workbook('openpyxl-saved');
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(300)] });
    await run('/usr/bin/python3', [path.join(repoRoot, 'test', 'other_writers.py'), 'edit', store.path, store.path, JSON.stringify({ 'Users!A5': 'carol', 'Users!B5': sr[3]! })]);
    // openpyxl keeps the version mark: the file's SHA-256, unlike the mark, tells it from ValTrac's last write.
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(600)] });
    expect(store.lastWrite).toEqual({ how: 'workbook', why: "the file is not the one ValTrac's last write left" });
    const data = await store.read();
    expect(data.snapshots.map((s) => s.block)).toEqual([300, 600]);
    expect(data.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    // Back to ValTrac's own file: the next append is in place again.
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(900)] });
    expect(store.lastWrite?.how).toBe('sheet');
    const seen = await py(OPENPYXL_VIEW, store.path);
    expect((seen.snapshots as unknown[][]).map((r) => r[0])).toEqual([300, 600, 900]);
  });

  it('LibreOffice opens the file, keeps the edits, validations and notes; its save makes the next append a full write', async () => {
    const { store } = await workbook('libreoffice');
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(300)] });
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(600)] });
    expect(store.lastWrite?.how).toBe('sheet');
    editor = await Editor.start();
    await editor.send({ op: 'open', path: store.path });
    expect((await editor.send({ op: 'get', sheet: 'Snapshots', cell: 'A4' })).text).toBe('600');
    expect((await editor.send({ op: 'get', sheet: 'Snapshots', cell: 'B4' })).text).toBe(snapshot(600).blockHash);
    expect((await editor.send({ op: 'get', sheet: 'Snapshots', cell: 'C4' })).text).toBe('2026-12-01 02:00:00');
    expect((await editor.send({ op: 'get', sheet: 'Snapshots', cell: 'E4' })).text).toBe('729.103847436');
    expect(await editor.send({ op: 'validation', sheet: 'Referrals', cell: 'A3' })).toMatchObject({ formula1: expect.stringMatching(/Users/) });
    await editor.send({ op: 'set', sheet: 'Users', cell: 'A5', text: 'dave' });
    await editor.send({ op: 'set', sheet: 'Users', cell: 'B5', text: sr[4]! });
    await editor.send({ op: 'save' });
    await editor.send({ op: 'close' });

    expect('fallback' in appendSnapshotsInPlace(fs.readFileSync(store.path), [snapshot(900)], { id: 'aaaaaaaaaaaa', version: 9 })).toBe(true);
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(900)] });
    expect(store.lastWrite).toEqual({ how: 'workbook', why: "the file is not the one ValTrac's last write left" });
    const data = await store.read();
    expect(data.snapshots.map((s) => s.block)).toEqual([300, 600, 900]);
    expect(data.users.map((u) => u.name)).toEqual(['alice', 'bob', 'dave']);
    const seen = await py(OPENPYXL_VIEW, store.path);
    expect((seen.notes as Record<string, string[]>).Users).toContain('B4');
    expect((seen.validations as Record<string, string[]>).Referrals).toHaveLength(3);
  });

  it('writes the whole workbook when the sheet holds what it does not know, or when changes wait', async () => {
    const { dir, store } = await workbook('shapes');
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(300)] });
    const formula = copyFolder(dir, 'formula');
    // A formula in Snapshots: the in-place path leaves formulas to the library.
    const book = await Xlsx.readXlsxFile(formula.file);
    book.getWorksheet('Snapshots')!.getCell('J3').value = { formula: 'A3*2', result: 600 };
    const bytes = await Xlsx.xlsxBytes(book);
    expect(appendSnapshotsInPlace(bytes, [snapshot(600)], { id: 'aaaaaaaaaaaa', version: 9 })).toEqual({ fallback: 'the Snapshots sheet has formulas' });

    // An editor holds the file: the change waits in the journal, as before.
    const lock = path.join(dir, '.~lock.valtrac.xlsx#');
    fs.writeFileSync(lock, 'someone,host,host,01.01.2026 10:00,file:///x;');
    expect(await store.apply({ kind: 'appendSnapshots', rows: [snapshot(600)] })).toBe('deferred');
    expect(store.journal.pending()).toHaveLength(1);
    fs.rmSync(lock);
    // The next append writes the journal too: the whole workbook, then in place again.
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(900)] });
    expect(store.lastWrite).toEqual({ how: 'workbook', why: 'changes wait in the journal' });
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(1200)] });
    expect(store.lastWrite?.how).toBe('sheet');
    expect((await store.read()).snapshots.map((s) => s.block)).toEqual([300, 600, 900, 1200]);
  });

  it("appends a plan's Payouts rows in place as the full write does, and not while rows are still planned", async () => {
    const { dir, store } = await workbook('payouts');
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot(300), snapshot(600), snapshot(900), snapshot(1200)] });
    const first = [payout('P1200-aa', 'alice', sr[0]!, 999_999_999_999_999_999n), payout('P1200-aa', 'bob', sr[2]!, 5n, { status: 'carried', note: 'below the minimum' })];
    await store.apply({ kind: 'replacePlan', rows: first });
    await store.apply({ kind: 'updatePayouts', planId: 'P1200-aa', updates: [{ user: 'alice', status: 'paid', batch: 0, extrinsicHash: `0x${'01'.repeat(32)}`, blockNumber: 1201, blockHash: `0x${'02'.repeat(32)}` }] });
    // The carried row stays carried: this plan replaces it, so only the full write can.
    const second = [
      payout('P1500-bb', 'alice', sr[0]!, 1_234_567_890n, { fromBlock: 1500, toBlock: 1500 }),
      payout('P1500-bb', 'bob', sr[2]!, 12n, { fromBlock: 1500, toBlock: 1500, note: 'carried in from P1200-aa' }),
    ];
    await store.apply({ kind: 'replacePlan', rows: second });
    expect(store.lastWrite).toEqual({ how: 'workbook', why: 'Payouts row 4 is carried: the plan replaces such rows' });
    await store.apply({ kind: 'updatePayouts', planId: 'P1500-bb', updates: ['alice', 'bob'].map((user) => ({ user, status: 'paid' as const, batch: 0 })) });

    const fast = copyFolder(dir, 'payouts-fast');
    const full = copyFolder(dir, 'payouts-full');
    fs.rmSync(path.join(full.dir, '.valtrac-writes.jsonl'));
    const third = [
      payout('P1800-cc', 'alice', sr[0]!, 21_000_000_123_456_789_001n, { fromBlock: 1800, toBlock: 1800 }),
      payout('P1800-cc', 'bob', sr[2]!, 3n, { fromBlock: 1800, toBlock: 1800, status: 'carried', note: 'below <the> minimum & more' }),
    ];
    await fast.store.apply({ kind: 'replacePlan', rows: third });
    await full.store.apply({ kind: 'replacePlan', rows: third });
    expect(fast.store.lastWrite).toEqual({ how: 'sheet', why: null });
    expect(await contents(fast.file)).toEqual(await contents(full.file));
    expect(await fast.store.read()).toEqual(await full.store.read());
    const seen = await py(`
import json, sys, openpyxl
sheet = openpyxl.load_workbook(sys.argv[1])["Payouts"]
print(json.dumps([[c for c in row[:16]] for row in sheet.iter_rows(min_row=3, values_only=True)]))
`, fast.file);
    expect((seen as unknown as unknown[][]).map((r) => [r[0], r[1], r[5], r[15]])).toEqual([
      ['P1200-aa', 'paid', 'alice', ''],
      ['P1500-bb', 'paid', 'alice', ''],
      ['P1500-bb', 'paid', 'bob', 'carried in from P1200-aa'],
      ['P1800-cc', 'planned', 'alice', ''],
      ['P1800-cc', 'carried', 'bob', 'below <the> minimum & more'],
    ]);

    // Planned rows in the sheet: the next plan replaces them, which the full write does.
    await fast.store.apply({ kind: 'replacePlan', rows: third });
    expect(fast.store.lastWrite?.why).toBe('Payouts row 6 is planned: the plan replaces such rows');
    expect((await fast.store.read()).payouts.map((p) => p.planId)).toEqual(['P1200-aa', 'P1500-bb', 'P1500-bb', 'P1800-cc', 'P1800-cc']);
  });
});
