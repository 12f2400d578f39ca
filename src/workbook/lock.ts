import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UserError } from '../util/errors.js';

interface LockOwner {
  pid: number;
  time: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): { owner: LockOwner | null; ageMs: number } | null {
  try {
    const text = fs.readFileSync(path, 'utf8');
    const ageMs = Date.now() - fs.statSync(path).mtimeMs;
    try {
      const owner = JSON.parse(text) as LockOwner;
      return { owner: Number.isInteger(owner.pid) ? owner : null, ageMs };
    } catch {
      return { owner: null, ageMs };
    }
  } catch {
    return null;
  }
}

/** A lock whose owner died, or that was never completely written (a crash between create and write), is stale. */
function isStale(found: { owner: LockOwner | null; ageMs: number }): boolean {
  return found.owner ? !isAlive(found.owner.pid) : found.ageMs > 5_000;
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fs.writeSync(fd, JSON.stringify({ pid: process.pid, time: new Date().toISOString() } satisfies LockOwner));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/** Moves a stale lock aside atomically, so that two processes clearing it cannot remove a fresh lock by mistake. */
function clearStale(path: string, seen: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    fs.renameSync(path, aside);
  } catch {
    return;
  }
  const moved = fs.readFileSync(aside, 'utf8');
  if (moved !== seen) {
    // Another process cleared it and took the lock in between: give it back.
    try {
      fs.linkSync(aside, path);
    } catch {
      // The taker already finished; nothing to give back.
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Runs `fn` while holding the inter-process lock file at `path` (created with O_EXCL, holding pid and time). */
export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!tryCreate(path)) {
    const found = readOwner(path);
    if (found && isStale(found)) {
      clearStale(path, found.owner ? JSON.stringify(found.owner) : fs.readFileSync(path, 'utf8'));
      continue;
    }
    if (Date.now() > deadline) {
      const who = found?.owner ? `ValTrac process ${found.owner.pid} (since ${found.owner.time})` : 'another ValTrac process';
      throw new UserError(`The workbook is being written by ${who}. If no ValTrac process is running, delete ${path} and try again.`);
    }
    await sleep(20 + Math.random() * 40);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(path, { force: true });
  }
}
