import fs from 'node:fs';
import path from 'node:path';
import { fsFailure } from './fsError.js';
import { injectFsFault } from './fsFault.js';

/**
 * Append-only files of one JSON record per line (the journal, the payout send log). A line is durable once the
 * append returns; a crash mid-append can only leave a torn last line without its newline, which was never
 * acknowledged and is therefore left out when reading.
 */
export function appendLineDurably(file: string, line: string, doing = 'Appending to'): void {
  const existed = fs.existsSync(file);
  let size = 0;
  let fd: number | null = null;
  try {
    size = existed ? fs.statSync(file).size : 0;
    fd = fs.openSync(file, 'a');
    injectFsFault(file);
    fs.writeSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
    // A new file's directory entry must reach the disk too, or the whole file can vanish in a power cut.
    if (!existed) syncDir(path.dirname(file));
  } catch (error) {
    // Nothing half-written: a partial line is cut off again (a file this append created is removed).
    if (fd !== null) {
      try {
        if (existed) fs.ftruncateSync(fd, size);
        else fs.rmSync(file, { force: true });
      } catch {
        // The torn line is left without its newline, which readers skip anyway.
      }
    }
    throw fsFailure(error, doing, file);
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** The complete lines in order (index + 1 is the line number; blank lines kept), or none if the file does not exist. */
export function readCompleteLines(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  // The element after the last newline is either empty or a torn line.
  return text.split('\n').slice(0, -1);
}

export function syncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
