import fs from 'node:fs';

/**
 * Which file is at `path` now, as far as a rewrite or an atomic replace can tell (inode, size, modification time);
 * 'missing' when there is none. Two equal identities mean the file was neither written nor replaced in between.
 */
export function fileIdentity(path: string): string {
  try {
    const stat = fs.statSync(path);
    return `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  } catch {
    return 'missing';
  }
}
