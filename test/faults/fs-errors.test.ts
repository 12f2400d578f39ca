/**
 * File-system faults at every place ValTrac writes (store, backup, lock, journal, records, send log, archive), for a
 * full disk and a refused permission: one `valtrac:` line naming what ValTrac was doing, the path, the cause in words
 * and the fix; no stack trace, no temp file or half-written line left, nothing else changed. The faults come through
 * the seam at ValTrac's write points (src/util/fsFault.ts): a full disk cannot be made on demand, and root (these
 * tests' usual user) is never refused by permissions. Beside them, the faults that are real everywhere: a folder that
 * does not exist, an empty --workbook, /proc and device files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { ValidatorSnapshot } from '../../src/domain/types.js';
import { UserError } from '../../src/util/errors.js';
import { writeRecord } from '../../src/workbook/records.js';
import { SendLog } from '../../src/workbook/sendLog.js';
import { writeFileAtomic } from '../../src/util/atomicFile.js';
import { address, baseWorkbookCopies, tempDir, treeDigest, valtrac } from './helpers.js';

const folder = baseWorkbookCopies(async (base) => {
  // One write after init, so the next write makes a backup.
  const r = await valtrac(['users', 'add', 'Erin', address(6), '--workbook', path.join(base, 'valtrac.xlsx')], { cwd: base });
  if (r.code !== 0) throw new Error(r.stderr);
});

const CAUSES = { ENOSPC: 'the disk is full', EACCES: 'permission denied' } as const;

function oneLine(stderr: string): string {
  const lines = stderr.trim().split('\n');
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^valtrac: /);
  expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  return lines[0]!;
}

describe('a write of the workbook that fails', () => {
  const places = [
    { place: 'store (the temp file)', at: '-write-', doing: /Writing the workbook .*valtrac\.xlsx/ },
    { place: 'backup', at: '.backup', doing: /Keeping a backup of the workbook in .*\.backup/ },
    { place: 'lock', at: '-write.lock', doing: /Taking the write lock .*\.valtrac-write\.lock/ },
  ];
  for (const { place, at, doing } of places) {
    for (const [code, cause] of Object.entries(CAUSES)) {
      it(`${place}, ${code}: one line with the cause, nothing changed, no temp file`, async () => {
        const { dir, workbook } = folder();
        const before = treeDigest(dir);
        const r = await valtrac(['users', 'add', 'Frank', address(7), '--workbook', workbook], { cwd: dir, env: { VALTRAC_FS_FAULT: `${code}@${at}` } });
        expect(r.code).toBe(1);
        const line = oneLine(r.stderr);
        expect(line).toMatch(doing);
        expect(line).toContain(cause);
        expect(line).toMatch(/Nothing was half-written; .+/);
        expect(treeDigest(dir)).toEqual(before);
        expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp') || n.includes('.stale-'))).toEqual([]);
      });
    }
  }

  for (const [code, cause] of Object.entries(CAUSES)) {
    it(`journal, ${code}: a change that waits for an editor is refused with the cause, no half line kept`, async () => {
      const { dir, workbook } = folder();
      // A person's editor holds the file, so the change goes to the journal.
      fs.writeFileSync(path.join(dir, '.~lock.valtrac.xlsx#'), `,person,host,${new Date().toISOString()},file:///home/person;`);
      const before = treeDigest(dir);
      const r = await valtrac(['users', 'add', 'Frank', address(7), '--workbook', workbook], { cwd: dir, env: { VALTRAC_FS_FAULT: `${code}@-journal.jsonl` } });
      expect(r.code).toBe(1);
      const line = oneLine(r.stderr);
      expect(line).toMatch(/Saving a waiting change to the journal .*\.valtrac-journal\.jsonl failed/);
      expect(line).toContain(cause);
      expect(treeDigest(dir)).toEqual(before);
      expect(fs.existsSync(path.join(dir, '.valtrac-journal.jsonl'))).toBe(false);
    });
  }
});

describe('the other files ValTrac writes', () => {
  afterEach(() => void delete process.env.VALTRAC_FS_FAULT);

  const snapshot: ValidatorSnapshot = {
    block: 300,
    blockHash: `0x${'12'.repeat(32)}`,
    time: new Date(Date.UTC(2026, 0, 1)),
    hotkey: address(999),
    owner: address(998),
    takePpm: 179_999n,
    era: 'dynamic',
    totalStake: 3_000n,
    delegateStake: 1_000n,
    delegateSubnets: [{ netuid: 0, alpha: 1_000n, tao: 1_000n }],
    nominators: [{ coldkey: address(1), stake: 2_000n, subnets: [{ netuid: 0, alpha: 2_000n, tao: 2_000n }] }],
  } as unknown as ValidatorSnapshot;

  for (const [code, cause] of Object.entries(CAUSES)) {
    it(`records, ${code}: refused with the cause and the path, no record or temp file left`, async () => {
      const dir = tempDir();
      process.env.VALTRAC_FS_FAULT = `${code}@snapshots`;
      const records = path.join(dir, 'snapshots');
      fs.mkdirSync(records);
      const error = await writeRecord(records, snapshot).then(() => null, (e: Error) => e);
      expect(error).toBeInstanceOf(UserError);
      expect(error!.message).toMatch(/^Writing the snapshot record.* .*snapshots.* failed: /);
      expect(error!.message).toContain(cause);
      expect(fs.readdirSync(records)).toEqual([]);
      fs.rmSync(dir, { recursive: true });
    });

    it(`send log, ${code}: refused before the payout goes on, the log keeps its complete lines only`, () => {
      const dir = tempDir();
      const log = SendLog.beside(path.join(dir, 'valtrac.xlsx'));
      const entry = { type: 'settled', extrinsicHash: `0x${'ab'.repeat(32)}`, outcome: 'expired', at: new Date(0).toISOString() } as never;
      log.append(entry);
      const before = fs.readFileSync(log.path, 'utf8');
      process.env.VALTRAC_FS_FAULT = `${code}@-payouts.jsonl`;
      expect(() => log.append(entry)).toThrow(new RegExp(`Recording a payout step in the send log .*payouts\\.jsonl failed: ${cause}`));
      expect(fs.readFileSync(log.path, 'utf8')).toBe(before);
      fs.rmSync(dir, { recursive: true });
    });

    it(`archive, ${code}: refused with the cause, no archive or temp file left`, async () => {
      const dir = tempDir();
      const archive = path.join(dir, 'archive');
      fs.mkdirSync(archive);
      process.env.VALTRAC_FS_FAULT = `${code}@archive`;
      // The archive writer's own call (src/workbook/archive.ts): its label and the atomic write under it.
      const error = await writeFileAtomic(path.join(archive, 'P300-aaaaaaaa.xlsx'), 'x', 'Archiving paid payouts to').then(() => null, (e: Error) => e);
      expect(error!.message).toMatch(new RegExp(`^Archiving paid payouts to .*P300-aaaaaaaa\\.xlsx failed: ${cause}\\.`));
      expect(fs.readdirSync(archive)).toEqual([]);
      fs.rmSync(dir, { recursive: true });
    });
  }
});

describe('paths that are no workbook', () => {
  it('settings set in a folder without workbook/: "There is no workbook", not a lock error', async () => {
    const dir = tempDir();
    const r = await valtrac(['settings', 'set', 'interval', '100'], { cwd: dir });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/There is no workbook at workbook\/valtrac\.xlsx .*valtrac init/);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it('init --workbook "": named, nothing created', async () => {
    const dir = tempDir();
    const r = await valtrac(['init', '--workbook', ''], { cwd: dir });
    expect(r.code).toBe(1);
    expect(oneLine(r.stderr)).toMatch(/--workbook is empty/);
    expect(fs.readdirSync(dir)).toEqual([]);
    fs.rmSync(dir, { recursive: true });
  });

  it('/proc/self/status and /dev/null: one line each, no advice to restore a backup that does not exist', async () => {
    const a = await valtrac(['check', '--workbook', '/proc/self/status']);
    expect(oneLine(a.stderr)).toMatch(/cannot be read as an \.xlsx workbook.*There is no backup of it/);
    const b = await valtrac(['users', 'add', 'Frank', address(7), '--workbook', '/dev/null']);
    expect(oneLine(b.stderr)).toMatch(/\/dev\/null is a device, not a workbook file/);
  });
});
