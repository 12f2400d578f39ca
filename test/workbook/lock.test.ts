import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock, withLockIfFree } from '../../src/workbook/lock.js';
import { tempDir } from '../helpers.js';

describe('withLock', () => {
  it('waits for an owner that is alive and gives up at its deadline, naming the owner and the lock file', async () => {
    const lock = path.join(tempDir('lock'), '.valtrac-write.lock');
    await withLock(lock, async () => {
      const owner = JSON.parse(fs.readFileSync(lock, 'utf8')) as { pid: number; start: string | null };
      expect(owner.pid).toBe(process.pid);
      expect(owner.start).toMatch(/^\d+$/);
      await expect(withLock(lock, async () => 'never', 300)).rejects.toThrow(
        new RegExp(`written by ValTrac process ${process.pid} .*delete ${lock.replace(/[.]/g, '\\.')} and try again`),
      );
      expect(await withLockIfFree(lock, async () => 'never')).toBeNull();
    });
    expect(fs.existsSync(lock)).toBe(false);
    expect(await withLockIfFree(lock, async () => 'free')).toBe('free');
  });
});
