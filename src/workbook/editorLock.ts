import fs from 'node:fs';
import os from 'node:os';
import nodePath from 'node:path';
import { excerpt } from '../domain/text.js';
import { commandLines } from '../util/processes.js';

/**
 * An editor lock older than this looks abandoned even where ValTrac cannot see the editor's processes (Excel, or
 * LibreOffice on another machine sharing the folder): a workbook is rarely kept open this long, and a lock that is
 * only named as abandoned loses nothing (ValTrac never deletes it; it keeps waiting).
 */
export const EDITOR_LOCK_ABANDONED_MS = 12 * 60 * 60 * 1000;

export interface EditorLock {
  path: string;
  editor: 'LibreOffice' | 'Excel';
  ageMs: number;
  /** "root on vm" from LibreOffice's lock; Excel's lock holds no readable owner. */
  owner: string | null;
  /** Why the lock looks left behind by an editor that is gone, or null while it may still be open. */
  abandoned: string | null;
}

/** The lock files editors leave beside a workbook they have open (LibreOffice; Excel, which may drop 2 characters). */
export function editorLockPaths(workbookPath: string): string[] {
  const dir = nodePath.dirname(workbookPath);
  const base = nodePath.basename(workbookPath);
  return [...new Set([`.~lock.${base}#`, `~$${base}`, `~$${base.slice(2)}`])].map((name) => nodePath.join(dir, name));
}

/** LibreOffice's lock: `,user,host,date,profile-url;` (the first field, a display name, is usually empty). */
function parseLibreOfficeLock(text: string): { user: string; host: string; profile: string } | null {
  const fields = text.replace(/;\s*$/, '').split(',');
  if (fields.length < 5) return null;
  return { user: fields[1]!, host: fields[2]!, profile: fields.slice(4).join(',') };
}

const DEFAULT_PROFILE = /\/libreoffice\/4\/?$/;

/**
 * Whether a LibreOffice on this machine runs with the profile that wrote the lock: the lock names the profile, and a
 * LibreOffice started with another profile (`-env:UserInstallation=...`) cannot hold it. Null when /proc is unreadable.
 */
function libreOfficeRunsWith(profile: string): boolean | null {
  const processes = commandLines();
  if (processes === null) return null;
  return processes.some(({ argv }) => {
    if (!/^soffice(\.bin)?$/.test(nodePath.basename(argv[0]!))) return false;
    const own = argv.find((a) => a.startsWith('-env:UserInstallation='))?.slice('-env:UserInstallation='.length);
    return own === undefined ? DEFAULT_PROFILE.test(profile) || profile === '' : own === profile;
  });
}

function inspect(path: string, now: number): EditorLock | null {
  let text: string;
  let mtimeMs: number;
  try {
    text = fs.readFileSync(path, 'latin1');
    mtimeMs = fs.statSync(path).mtimeMs;
  } catch {
    return null;
  }
  const ageMs = Math.max(0, now - mtimeMs);
  const old = ageMs > EDITOR_LOCK_ABANDONED_MS ? `it is more than ${formatAge(EDITOR_LOCK_ABANDONED_MS)} old` : null;
  if (!nodePath.basename(path).startsWith('.~lock.')) return { path, editor: 'Excel', ageMs, owner: null, abandoned: old };
  const lock = parseLibreOfficeLock(Buffer.from(text, 'latin1').toString('utf8'));
  const owner = lock ? `${excerpt(lock.user, 32)} on ${excerpt(lock.host, 32)}` : null;
  const here = lock !== null && lock.host.toLowerCase() === os.hostname().toLowerCase();
  const running = here ? libreOfficeRunsWith(lock.profile) : null;
  const gone = running === false ? 'no LibreOffice process on this machine has it open (the editor crashed or was killed)' : null;
  return { path, editor: 'LibreOffice', ageMs, owner, abandoned: gone ?? old };
}

/** The editor locks beside the workbook now, each with how old it is and whether it looks abandoned. */
export function editorLocks(workbookPath: string, now = Date.now()): EditorLock[] {
  return editorLockPaths(workbookPath)
    .map((path) => inspect(path, now))
    .filter((lock): lock is EditorLock => lock !== null);
}

/** "45 s", "12 min", "3 h 5 min", "2 days 4 h". */
export function formatAge(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.floor(h / 24)} days${h % 24 ? ` ${h % 24} h` : ''}`;
}

/**
 * What the person needs to know about the editor locks that make ValTrac wait: which file, how old, whether it looks
 * abandoned, and how to clear it. One sentence per lock.
 */
export function describeEditorLocks(locks: readonly EditorLock[]): string {
  return locks
    .map((lock) => {
      const by = lock.owner ? `, by ${lock.owner}` : '';
      const what = `${lock.editor}'s lock file ${lock.path} (${formatAge(lock.ageMs)} old${by})`;
      return lock.abandoned
        ? `${what} looks abandoned: ${lock.abandoned}. If nobody has the workbook open, delete ${lock.path}; ValTrac then writes what waits.`
        : `${what} says the workbook is open; close it there and ValTrac writes what waits. If no editor has it open, delete ${lock.path}.`;
    })
    .join(' ');
}
