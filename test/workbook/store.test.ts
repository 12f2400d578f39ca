import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { base58Decode, base58Encode } from '@polkadot/util-crypto';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it, vi } from 'vitest';
import type { PayoutRow, SnapshotSummary } from '../../src/domain/types.js';
import { addUser } from '../../src/workbook/edits.js';
import { isFeedbackFill, isFeedbackNote, readProblemRows } from '../../src/workbook/feedback.js';
import { WorkbookStore } from '../../src/workbook/store.js';
import { addresses, cli, tempDir } from '../helpers.js';

const run = promisify(execFile);
const sr = await addresses(205);

function badChecksum(address: string): string {
  const bytes = base58Decode(address);
  bytes[bytes.length - 1] ^= 0x01;
  return base58Encode(bytes);
}

async function valtrac(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { cwd });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function freshWorkbook(): Promise<{ dir: string; file: string }> {
  const dir = tempDir('store');
  const result = await valtrac(['init', '--workbook', 'workbook/valtrac.xlsx', '--hotkey', sr[200]!], dir);
  expect(result.code).toBe(0);
  return { dir, file: path.join(dir, 'workbook', 'valtrac.xlsx') };
}

async function editWith(file: string, edit: (wb: Xlsx.Workbook) => void): Promise<void> {
  const workbook = new Xlsx.Workbook();
  await workbook.xlsx.readFile(file);
  edit(workbook);
  await workbook.xlsx.writeFile(file);
}

describe('workbook round trip', { timeout: 180_000 }, () => {
  it('init makes every sheet with frozen headers, notes and dropdowns, and refuses to overwrite', async () => {
    const { dir, file } = await freshWorkbook();
    const workbook = new Xlsx.Workbook();
    await workbook.xlsx.readFile(file);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['Users', 'Referrals', 'Settings', 'Snapshots', 'Payouts', 'Problems']);
    const referrals = workbook.getWorksheet('Referrals')!;
    expect(referrals.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    expect(referrals.getCell('A2').font?.bold).toBe(true);
    expect(referrals.getCell('C2').note).toBeTruthy();
    expect(referrals.getCell('A10').dataValidation).toMatchObject({ type: 'list', formulae: ['Users!$A$3:$A$2000'] });
    expect(referrals.getCell('C10').dataValidation).toMatchObject({ type: 'decimal', formulae: [0, 100] });
    expect(workbook.getWorksheet('Settings')!.getCell('B3').value).toBe(sr[200]);
    const again = await valtrac(['init', '--workbook', 'workbook/valtrac.xlsx'], dir);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toMatch(/already exists.*--force/);
    const forced = await valtrac(['init', '--workbook', 'workbook/valtrac.xlsx', '--force'], dir);
    expect(forced.code).toBe(0);
    expect(fs.readdirSync(path.join(dir, 'workbook', '.backup'))).toHaveLength(1);
  });

  it('finds exactly the planted problems, marks them, and clears the marks once fixed', async () => {
    const { file } = await freshWorkbook();
    await editWith(file, (wb) => {
      const users = wb.getWorksheet('Users')!;
      users.getRow(3).values = ['Alice', sr[0]!, sr[1]!];
      users.getRow(4).values = ['Bob', badChecksum(sr[2]!)];
      users.getRow(5).values = ['carol', sr[3]!];
      users.getRow(6).values = ['Carol', sr[4]!];
      users.getRow(7).values = ['=1+1', sr[5]!];
      const referrals = wb.getWorksheet('Referrals')!;
      referrals.getRow(3).values = ['Alice', 'Bob', 10];
      referrals.getRow(4).values = ['Bob', 'carol', '150%'];
      referrals.getRow(5).values = ['carol', 'Alice', 5];
    });
    const store = new WorkbookStore(file);
    const { problems } = await store.readWithProblems();
    expect(problems.map((p) => `${p.sheet}!${p.cell}`).sort()).toEqual(
      ['Users!B4', 'Users!A6', 'Users!A7', 'Referrals!C4', 'Referrals!B3'].sort(),
    );
    expect(problems.find((p) => p.cell === 'B3')!.message).toMatch(/Alice → Bob → carol → Alice/);

    expect(await store.apply({ kind: 'feedback', problems })).toBe('written');
    const marked = new Xlsx.Workbook();
    await marked.xlsx.readFile(file);
    const bob = marked.getWorksheet('Users')!.getCell('B4');
    expect(isFeedbackFill(bob) && isFeedbackNote(bob)).toBe(true);
    expect(marked.getWorksheet('Users')!.getCell('B3').fill).toBeUndefined();
    expect(marked.getWorksheet('Problems')!.getCell('B3').value).toBeTruthy();
    expect(readProblemRows(marked.getWorksheet('Problems')!)).toEqual(problems);

    await editWith(file, (wb) => {
      wb.getWorksheet('Users')!.getCell('B4').value = sr[2]!;
    });
    const after = await store.readWithProblems();
    await store.apply({ kind: 'feedback', problems: after.problems });
    const cleared = new Xlsx.Workbook();
    await cleared.xlsx.readFile(file);
    const fixed = cleared.getWorksheet('Users')!.getCell('B4');
    expect(isFeedbackFill(fixed) || isFeedbackNote(fixed)).toBe(false);
    expect(fixed.value).toBe(sr[2]);
    expect(readProblemRows(cleared.getWorksheet('Problems')!)).toEqual(after.problems);
    expect(after.problems).toHaveLength(problems.length - 1);
  });

  it('reads TAO amounts back exactly, as numbers when exact and text otherwise', async () => {
    const { file } = await freshWorkbook();
    const store = new WorkbookStore(file);
    const snapshot: SnapshotSummary = {
      block: 600,
      blockHash: `0x${'ab'.repeat(32)}`,
      time: new Date('2026-01-02T03:04:05.000Z'),
      totalStake: 21_000_000_123_456_789n * 1000n + 1n,
      delegateStake: 1_500_000_000n,
      nominatorStake: 21_000_000_123_456_789n * 1000n + 1n - 1_500_000_000n,
      nominators: 4,
      usersStake: 123_456_789n,
    };
    const payout: PayoutRow = {
      planId: 'p-600', status: 'planned', fromBlock: 300, toBlock: 600, pool: 1_500_000_000n, user: 'Alice', address: sr[0]!,
      basePpb: 333_333_333n, taxPaid: 0n, taxReceived: 7n, amount: 999_999_999_999_999_999n, batch: null, extrinsicHash: null,
      blockNumber: null, blockHash: null, note: '', delivered: 21_000_000_123_456_789_000n + 1n,
    };
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot, snapshot] });
    await store.apply({ kind: 'appendSnapshots', rows: [snapshot] });
    await store.apply({ kind: 'replacePlan', rows: [payout] });
    await store.apply({ kind: 'updatePayouts', planId: 'p-600', updates: [{ user: 'Alice', status: 'paid', batch: 0, extrinsicHash: '0x01', blockNumber: 601, blockHash: '0x02' }] });
    const data = await store.read();
    expect(data.snapshots).toEqual([snapshot]);
    expect(data.payouts).toEqual([{ ...payout, status: 'paid', batch: 0, extrinsicHash: '0x01', blockNumber: 601, blockHash: '0x02', row: 3 }]);
    const raw = new Xlsx.Workbook();
    await raw.xlsx.readFile(file);
    expect(typeof raw.getWorksheet('Snapshots')!.getCell('E3').value).toBe('number');
    expect(raw.getWorksheet('Snapshots')!.getCell('D3').value).toBe('21000000123.456789001');
  });

  it('journals writes while an editor lock exists and writes them once it is gone', async () => {
    const { dir, file } = await freshWorkbook();
    const store = new WorkbookStore(file);
    const lock = path.join(dir, 'workbook', '.~lock.valtrac.xlsx#');
    fs.writeFileSync(lock, 'someone,host,01.01.2026 00:00,file:///x;');
    const before = fs.readFileSync(file);
    expect(await addUser(store, 'Dave', [sr[10]!])).toBe('deferred');
    expect(fs.readFileSync(file).equals(before)).toBe(true);
    expect((await store.read()).users.map((u) => u.name)).toEqual(['Dave']);
    expect((await new WorkbookStore(file).applyPending()).outcome).toBe('deferred');
    fs.rmSync(lock);
    const result = await valtrac(['check', '--workbook', 'workbook/valtrac.xlsx'], dir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Wrote the changes that waited/);
    expect(fs.existsSync(store.journal.path)).toBe(false);
    const written = new Xlsx.Workbook();
    await written.xlsx.readFile(file);
    expect(written.getWorksheet('Users')!.getCell('A3').value).toBe('Dave');
  });

  it('clears a lock left by a dead process and refuses edits that add problems', async () => {
    const { dir, file } = await freshWorkbook();
    const store = new WorkbookStore(file);
    const dead = (await run(process.execPath, ['-e', 'console.log(process.pid)'])).stdout.trim();
    fs.writeFileSync(store.lockPath, JSON.stringify({ pid: Number(dead), time: new Date().toISOString() }));
    expect(await addUser(store, 'Eve', [sr[11]!])).toBe('written');
    const before = fs.readFileSync(file);
    const duplicate = await valtrac(['users', 'add', 'Frank', sr[11]!, '--workbook', 'workbook/valtrac.xlsx'], dir);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/nothing was written[\s\S]*also belongs to Eve/);
    const badTax = await valtrac(['referrals', 'add', 'Eve', 'Eve', 'lots', '--workbook', 'workbook/valtrac.xlsx'], dir);
    expect(badTax.stderr).toMatch(/TAX argument: The tax "lots" is not a number/);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });
});

describe('one read per command', { timeout: 180_000 }, () => {
  // The workbook's bytes are parsed by the xlsx library's load (the store reads them itself, checked, in src/workbook/openFile.ts).
  const reads = (_file: string, spy: { mock: { calls: unknown[][] } }) => spy.mock.calls.length;

  it('a write right after a read of the unchanged file starts from that read instead of reading the file again', async () => {
    const { file } = await freshWorkbook();
    const spy = vi.spyOn(Object.getPrototypeOf(new Xlsx.Workbook().xlsx) as { load: () => Promise<unknown> }, 'load');
    try {
      const store = new WorkbookStore(file);
      await store.readWithProblems();
      await new WorkbookStore(file).read();
      expect(await store.apply({ kind: 'setSettings', settings: { snapshotInterval: 600 } })).toBe('written');
      expect(reads(file, spy)).toBe(1);
      expect((await store.read()).settings.snapshotInterval).toBe(600);
      expect(reads(file, spy)).toBe(2);
    } finally {
      spy.mockRestore();
    }
  });

  it('a save between the read and the write is read, and kept', async () => {
    const { file } = await freshWorkbook();
    const store = new WorkbookStore(file);
    await store.read();
    await editWith(file, (wb) => wb.getWorksheet('Users')!.addRow(['alice', sr[0]]));
    await store.apply({ kind: 'setSettings', settings: { snapshotInterval: 600 } });
    const data = await new WorkbookStore(file).read();
    expect(data.users.map((u) => u.name)).toEqual(['alice']);
    expect(data.settings.snapshotInterval).toBe(600);
  });
});

describe('referral taxes', { timeout: 180_000 }, () => {
  // [what a person left in Referrals column C, value, number format, the two readings when ValTrac must ask, else ppm]
  const forms: Array<[string, Xlsx.CellValue, string | undefined, string | bigint]> = [
    ['plain 0.15 as ValTrac wrote it before', 0.15, '0.####', 'The tax 0.15 could mean 15% or 0.15%'],
    ['text 0.15', '0.15', undefined, 'The tax "0.15" could mean 15% or 0.15%'],
    ['plain 0.5', 0.5, undefined, 'The tax 0.5 could mean 50% or 0.5%'],
    ['text .15', '.15', undefined, 'The tax ".15" could mean 15% or 0.15%'],
    ['text with spaces', ' 0.15 ', undefined, 'The tax " 0.15 " could mean 15% or 0.15%'],
    ['text with a decimal comma', '0,15', undefined, 'The tax "0,15" could mean 15% or 0.15%'],
    ['text 0.5%', '0.5%', undefined, 5_000n],
    ['text 0.15%', '0.15%', undefined, 1_500n],
    ['15', 15, undefined, 150_000n],
    ['text 15%', '15%', undefined, 150_000n],
    ['0.15 formatted as percent', 0.15, '0%', 150_000n],
    ['0.0015 formatted as percent', 0.0015, '0.00%', 1_500n],
    ['0', 0, undefined, 0n],
    ['1', 1, undefined, 10_000n],
  ];
  const rowOf = (i: number) => i + 3;

  it('asks about a plain tax between 0 and 1 at its cell with both readings, and reads every other form unchanged', async () => {
    const { file } = await freshWorkbook();
    await editWith(file, (wb) => {
      const users = wb.getWorksheet('Users')!;
      const referrals = wb.getWorksheet('Referrals')!;
      users.getRow(3).values = ['Referrer', sr[0]!];
      forms.forEach(([, value, numFmt], i) => {
        users.getRow(i + 4).values = [`Referee${i}`, sr[i + 1]!];
        referrals.getRow(rowOf(i)).values = ['Referrer', `Referee${i}`];
        const tax = referrals.getCell(rowOf(i), 3);
        tax.value = value;
        if (numFmt) tax.numFmt = numFmt;
      });
    });
    const store = new WorkbookStore(file);
    const { data, problems } = await store.readWithProblems();
    const asked = forms.flatMap(([, , , expected], i) => (typeof expected === 'string' ? [{ cell: `C${rowOf(i)}`, expected }] : []));
    expect(problems.map((p) => `${p.sheet}!${p.cell}`)).toEqual(asked.map((a) => `Referrals!${a.cell}`));
    for (const { cell, expected } of asked) {
      const problem = problems.find((p) => p.cell === cell)!;
      expect(problem.message).toContain(expected);
      expect(problem.fix).toMatch(/^For (15|50)% type \1 or \1%; for 0\.(15|5)% type 0\.\2%\.$/);
    }
    expect(data.referrals.map((r) => [r.row, r.taxPpm])).toEqual(
      forms.flatMap(([, , , expected], i) => (typeof expected === 'bigint' ? [[rowOf(i), expected]] : [])),
    );

    await store.apply({ kind: 'feedback', problems });
    const marked = new Xlsx.Workbook();
    await marked.xlsx.readFile(file);
    const referrals = marked.getWorksheet('Referrals')!;
    forms.forEach(([, value, , expected], i) => {
      const cell = referrals.getCell(rowOf(i), 3);
      expect(cell.value).toBe(value);
      expect(isFeedbackFill(cell) && isFeedbackNote(cell)).toBe(typeof expected === 'string');
    });
    expect(readProblemRows(marked.getWorksheet('Problems')!)).toEqual(problems);
    // The old 0.#### format is gone, so an editor turns 15% typed over the cell into a percentage, not a plain 0.15.
    expect([referrals.getCell('C3').numFmt, referrals.getCell('C13').numFmt]).toEqual([undefined, '0%']);

    // The upgrade path: retyping the old 0.15 as 15 (or 15%) settles it.
    await editWith(file, (wb) => void (wb.getWorksheet('Referrals')!.getCell('C3').value = 15));
    const fixed = await store.readWithProblems();
    expect(fixed.problems.map((p) => p.cell)).toEqual(asked.slice(1).map((a) => a.cell));
    expect(fixed.data.referrals.find((r) => r.row === 3)?.taxPpm).toBe(150_000n);
  });

  it('the CLI refuses a tax of 0.15 with both readings and writes 0.15% and 15 so they read back as typed', async () => {
    const { dir, file } = await freshWorkbook();
    const store = new WorkbookStore(file);
    for (const [i, name] of ['Alice', 'Bob', 'Carol'].entries()) await addUser(store, name, [sr[i]!]);
    const referrals = (...args: string[]) => valtrac(['referrals', ...args, '--workbook', 'workbook/valtrac.xlsx'], dir);
    const before = fs.readFileSync(file);
    const refused = await referrals('add', 'Alice', 'Bob', '0.15');
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      'valtrac: TAX argument: The tax "0.15" could mean 15% or 0.15% (a hundred times less), so ValTrac does not guess. For 15% type 15 or 15%; for 0.15% type 0.15%.\n',
    );
    expect(fs.readFileSync(file).equals(before)).toBe(true);

    expect((await referrals('add', 'Alice', 'Bob', '0.15%')).code).toBe(0);
    expect((await referrals('add', 'Alice', 'Carol', '15')).code).toBe(0);
    expect((await referrals('set-tax', 'Alice', 'Carol', '0.5')).stderr).toMatch(/TAX argument: The tax "0\.5" could mean 50% or 0\.5%/);
    const { data, problems } = await store.readWithProblems();
    expect(problems).toEqual([]);
    expect(data.referrals.map((r) => [r.referee, r.taxPpm])).toEqual([['Bob', 1_500n], ['Carol', 150_000n]]);
    // Below 1 % the cell holds the fraction in a percent format, as an editor stores a typed 0.15%, not a plain 0.15.
    const raw = new Xlsx.Workbook();
    await raw.xlsx.readFile(file);
    const c3 = raw.getWorksheet('Referrals')!.getCell('C3');
    expect([c3.value, c3.numFmt]).toEqual([0.0015, '0.####%']);
    expect(raw.getWorksheet('Referrals')!.getCell('C4').value).toBe(15);
    expect((await valtrac(['check', '--workbook', 'workbook/valtrac.xlsx'], dir)).code).toBe(0);
  });
});

describe('import-users', { timeout: 180_000 }, () => {
  it('refuses a 200-user CSV whose line 137 has a bad checksum and leaves the workbook byte-identical', async () => {
    const { dir, file } = await freshWorkbook();
    const lines = ['Name,Address1,Address2,'];
    for (let i = 0; i < 200; i++) lines.push(`User ${i},${lines.length + 1 === 137 ? badChecksum(sr[i]!) : sr[i]!},,`);
    fs.writeFileSync(path.join(dir, 'users.csv'), `${lines.join('\n')}\n`);
    const before = fs.readFileSync(file);
    const result = await valtrac(['import-users', 'users.csv', '--workbook', 'workbook/valtrac.xlsx'], dir);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/users\.csv line 137, column 2 \(Address1\): .*checksum/);
    expect(result.stderr.match(/line \d+/g)).toEqual(['line 137']);
    expect(fs.readFileSync(file).equals(before)).toBe(true);
  });

  it('merges addresses into existing users without duplicates, or replaces them', async () => {
    const { dir } = await freshWorkbook();
    fs.writeFileSync(path.join(dir, 'a.csv'), `Name,Address1\r\nAlice,${sr[0]}\r\n"Bob, Jr.",${sr[1]}\r\n`);
    fs.writeFileSync(path.join(dir, 'b.csv'), `Name,Address1,Address2\nalice,${sr[0]},${sr[2]}\n`);
    expect((await valtrac(['import-users', 'a.csv', '--workbook', 'workbook/valtrac.xlsx'], dir)).code).toBe(0);
    expect((await valtrac(['import-users', 'b.csv', '--workbook', 'workbook/valtrac.xlsx'], dir)).code).toBe(0);
    const store = new WorkbookStore(path.join(dir, 'workbook', 'valtrac.xlsx'));
    expect((await store.read()).users.map((u) => [u.name, u.addresses])).toEqual([
      ['Alice', [sr[0], sr[2]]],
      ['Bob, Jr.', [sr[1]]],
    ]);
    expect((await valtrac(['import-users', 'b.csv', '--replace', '--workbook', 'workbook/valtrac.xlsx'], dir)).code).toBe(0);
    expect((await store.read()).users.map((u) => [u.name, u.addresses])).toEqual([['alice', [sr[0], sr[2]]]]);
  });
});

describe('Settings rows added after a workbook was made, and Payouts columns', () => {
  it('a workbook without the optional rows reads with their defaults and no problem; typed ones are read from their row', async () => {
    const { mkdtemp } = await import('node:fs/promises');
    const os = await import('node:os');
    const nodePath = await import('node:path');
    const { createWorkbook } = await import('../../src/workbook/layout.js');
    const { DEFAULT_SETTINGS, SETTING_ROWS } = await import('../../src/domain/settings.js');
    const dir = await mkdtemp(nodePath.join(os.tmpdir(), 'valtrac-settings-'));
    const workbook = createWorkbook({ ...DEFAULT_SETTINGS });
    const settingsSheet = workbook.getWorksheet('Settings')!;
    // as written before the optional rows existed
    const firstOptional = SETTING_ROWS.findIndex((r) => r.optional);
    for (let r = settingsSheet.rowCount; r >= 3 + firstOptional; r--) settingsSheet.spliceRows(r, 1);
    const store = new WorkbookStore(nodePath.join(dir, 'old.xlsx'));
    await store.create(workbook, false);
    const old = await store.readWithProblems();
    expect(old.problems).toEqual([]);
    expect(old.data.settings).toEqual(DEFAULT_SETTINGS);
    // the generic settings change adds a missing row by its label
    await store.apply({ kind: 'setSettings', settings: { webhookUrl: 'https://hooks.slack.com/services/T/B/x', nodeAlertMinutes: 3 } });
    const now = await store.readWithProblems();
    expect(now.problems).toEqual([]);
    expect(now.data.settings).toMatchObject({ webhookUrl: 'https://hooks.slack.com/services/T/B/x', nodeAlertMinutes: 3, priceUrl: null });
    await store.apply({ kind: 'setSettings', settings: { nodeAlertMinutes: 'ten' as unknown as number } });
    expect((await store.readWithProblems()).problems).toEqual([
      expect.objectContaining({ sheet: 'Settings', message: 'Node alert after (minutes): "ten" is not a whole number.' }),
    ]);
  });
});
