import fs from 'node:fs';
import path from 'node:path';
import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { readFileMark, readMark, setMark, WriteHistory, WRITES_KEPT_MS } from '../../src/workbook/versions.js';
import { tempDir } from '../helpers.js';

const add = (name: string) => ({ kind: 'addUsers' as const, users: [{ name, addresses: ['5x'] }] });

describe('WriteHistory', () => {
  it('tells an older copy, with exactly the writes after it, from a current one, and one it cannot place', async () => {
    const history = new WriteHistory(path.join(tempDir('versions'), '.valtrac-writes.jsonl'));
    expect(history.lag(null)).toEqual({ kind: 'current' });
    const first = history.next(null);
    expect(first.version).toBe(1);
    await history.record(first, new Date('2026-01-01T10:00:00Z'), []);
    const second = history.next(first);
    await history.record(second, new Date('2026-01-01T11:00:00Z'), [add('Bob'), { kind: 'feedback', problems: [] }]);
    const third = history.next(second);
    await history.record(third, new Date('2026-01-01T12:00:00Z'), [add('Carol')]);

    expect(history.lag(third)).toEqual({ kind: 'current' });
    const older = history.lag(first);
    expect(older).toMatchObject({ kind: 'older', copy: first, copyWrittenAt: new Date('2026-01-01T10:00:00Z') });
    expect(older.kind === 'older' && older.missing.map((m) => [m.version, m.changes])).toEqual([
      [2, [add('Bob')]],
      [3, [add('Carol')]],
    ]);
    expect(history.lag(null)).toMatchObject({ kind: 'unplaced', why: expect.stringMatching(/no ValTrac version mark/) });
    expect(history.lag({ id: 'aaaaaaaaaaaa', version: 2 })).toMatchObject({ kind: 'unplaced', why: expect.stringMatching(/another ValTrac workbook/) });
    // A file newer than the record (the record lost its last line): current, and the next write goes past both.
    expect(history.lag({ ...third, version: 9 })).toEqual({ kind: 'current' });
    expect(history.next({ ...third, version: 9 }).version).toBe(10);
  });

  it('keeps a month of writes; a copy older than that cannot be placed', async () => {
    const history = new WriteHistory(path.join(tempDir('versions'), '.valtrac-writes.jsonl'));
    const start = Date.parse('2026-01-01T00:00:00Z');
    let mark = history.next(null);
    await history.record(mark, new Date(start), []);
    const oldest = mark;
    for (const days of [10, 20, 45]) {
      mark = history.next(mark);
      await history.record(mark, new Date(start + days * 86_400_000), [add(`u${days}`)]);
    }
    const lines = fs.readFileSync(history.path, 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).version)).toEqual([3, 4]);
    expect(WRITES_KEPT_MS).toBe(31 * 86_400_000);
    expect(history.lag(oldest)).toMatchObject({ kind: 'unplaced', why: expect.stringMatching(/older than its record .* begins at version 3/) });
    expect(history.lag({ ...mark, version: 2 })).toMatchObject({ kind: 'older', missing: [{ version: 3 }, { version: 4 }] });
  });
});

describe('the version mark', () => {
  it('lives in the keywords beside a person\'s own, and is read from the file without loading it', async () => {
    const file = path.join(tempDir('versions'), 'book.xlsx');
    const book = new Xlsx.Workbook();
    book.addWorksheet('Users');
    book.keywords = 'referrals, 2026';
    setMark(book, { id: '0123456789ab', version: 7 });
    setMark(book, { id: '0123456789ab', version: 8 });
    expect(book.keywords).toBe('referrals, 2026 valtrac-version-0123456789ab-8');
    expect(readMark(book)).toEqual({ id: '0123456789ab', version: 8 });
    await book.xlsx.writeFile(file);
    expect(readFileMark(file)).toEqual({ id: '0123456789ab', version: 8 });
    fs.writeFileSync(file, 'not a zip');
    expect(readFileMark(file)).toBeUndefined();
  });
});
