import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { excerpt } from '../domain/text.js';
import { UserError } from '../util/errors.js';
import { fsFailure } from '../util/fsError.js';
import { injectFsFault } from '../util/fsFault.js';
import { processStart } from '../util/processes.js';

interface LockOwner {
  pid: number;
  time: string;
  /** When the owner started, as /proc tells it (null where there is no /proc): tells a reused pid from the owner. */
  start?: string | null;
}

/** A lock file that holds no owner yet may be mid-write by its creator; after this long it never will be. */
const UNWRITTEN_LOCK_MS = 5_000;

interface FoundLock {
  /** The file's content exactly as read, so clearing it can tell it from a newer lock. */
  text: string;
  owner: LockOwner | null;
  mtimeMs: number;
}

function readLock(path: string): FoundLock | null {
  try {
    const text = fs.readFileSync(path, 'utf8');
    const mtimeMs = fs.statSync(path).mtimeMs;
    return { text, owner: parseOwner(text), mtimeMs };
  } catch {
    return null;
  }
}

function parseOwner(text: string): LockOwner | null {
  try {
    const value = JSON.parse(text.trim()) as Partial<LockOwner> | null;
    return value && Number.isSafeInteger(value.pid) && value.pid! > 0 ? { pid: value.pid!, time: String(value.time ?? ''), start: value.start ?? null } : null;
  } catch {
    return null;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Why a lock no longer protects a writer, or null while its owner may still be writing. A dead owner, a pid now used
 * by a process that started after the lock was taken (after a reboot, say), and a file that never got an owner
 * written into it are all stale.
 */
function staleReason(found: FoundLock, now = Date.now()): string | null {
  const { owner } = found;
  if (!owner) return now - found.mtimeMs > UNWRITTEN_LOCK_MS ? `it holds no owner ("${excerpt(found.text, 32)}")` : null;
  if (!isRunning(owner.pid)) return `process ${owner.pid} is not running`;
  const start = processStart(owner.pid);
  if (start === null) return null;
  if (owner.start) return owner.start === start.ticks ? null : `process ${owner.pid} is another process than the one that took the lock`;
  // A lock without the owner's start: a process that started after the lock was written cannot have written it.
  return start.atMs !== null && start.atMs > found.mtimeMs + 2_000 ? `process ${owner.pid} started after the lock was taken` : null;
}

function tryCreate(path: string): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw fsFailure(error, 'Taking the write lock', path);
  }
  try {
    injectFsFault(path);
    const owner: LockOwner = { pid: process.pid, time: new Date().toISOString(), start: processStart(process.pid)?.ticks ?? null };
    fs.writeSync(fd, JSON.stringify(owner));
    fs.fsyncSync(fd);
  } catch (error) {
    // A lock without its owner would make every other writer wait for it to age: none is left behind.
    fs.closeSync(fd);
    fs.rmSync(path, { force: true });
    throw fsFailure(error, 'Taking the write lock', path);
  }
  fs.closeSync(fd);
  return true;
}

/** The name a process gives the stale lock it moves aside; a leftover one names a process that died meanwhile. */
export function staleAsidePath(path: string, pid = process.pid): string {
  return `${path}.stale-${pid}`;
}

/** Moves a stale lock aside atomically, so that two processes clearing it cannot remove a fresh lock by mistake. */
function clearStale(path: string, seen: string): void {
  const aside = staleAsidePath(path);
  try {
    fs.renameSync(path, aside);
  } catch {
    return;
  }
  let moved: string | null = null;
  try {
    moved = fs.readFileSync(aside, 'utf8');
  } catch {
    // Swept by the next lock holder as a leftover: it was the stale one.
  }
  if (moved !== null && moved !== seen) {
    // Another process cleared it and took the lock in between: give it back.
    try {
      fs.linkSync(aside, path);
    } catch {
      // The taker already finished; nothing to give back.
    }
  }
  fs.rmSync(aside, { force: true });
}

/** Pid of the process that left `<lock>.stale-<pid>`, if the name is one. */
function asidePid(lockPath: string, file: string): number | null {
  const prefix = `${lockPath}.stale-`;
  if (!file.startsWith(prefix)) return null;
  const pid = Number(file.slice(prefix.length));
  return Number.isSafeInteger(pid) && pid > 0 ? pid : null;
}

/** A moved-aside stale lock whose mover is gone: the mover died between moving and removing it. */
export function isLeftoverAside(lockPath: string, file: string): boolean {
  const pid = asidePid(lockPath, file);
  return pid !== null && (pid === process.pid || !isRunning(pid));
}

/**
 * Runs `fn` while holding the inter-process lock file at `path` (created with O_EXCL, holding pid, time and the
 * owner's start). Every wait sleeps, whatever the lock holds, and the deadline is checked on every round.
 */
export async function withLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (!tryCreate(path)) {
    const found = readLock(path);
    const stale = found ? staleReason(found) : null;
    if (stale !== null) clearStale(path, found!.text);
    if (Date.now() > deadline) {
      throw new UserError(stale === null ? busyMessage(path, found) : `The lock file ${path} is left over (${stale}) but could not be removed: delete it and try again.`);
    }
    await sleep(20 + Math.random() * 40);
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(path, { force: true });
  }
}

/** Runs `fn` under the lock if it is free now (or stale); null without waiting when another process holds it. */
export async function withLockIfFree<T>(path: string, fn: () => Promise<T>): Promise<T | null> {
  if (!tryCreate(path)) {
    const found = readLock(path);
    if (!found || staleReason(found) === null) return null;
    clearStale(path, found.text);
    if (!tryCreate(path)) return null;
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(path, { force: true });
  }
}

function busyMessage(path: string, found: FoundLock | null): string {
  const who = found?.owner ? `ValTrac process ${found.owner.pid} (since ${excerpt(found.owner.time, 32)})` : 'another ValTrac process';
  return `The workbook is being written by ${who}. If no ValTrac process is running, delete ${path} and try again.`;
}
