import fs from 'node:fs';
import path from 'node:path';

/**
 * Append-only files of one JSON record per line (the journal, the payout send log). A line is durable once the
 * append returns; a crash mid-append can only leave a torn last line without its newline, which was never
 * acknowledged and is therefore left out when reading.
 */
export function appendLineDurably(file: string, line: string): void {
  const existed = fs.existsSync(file);
  const fd = fs.openSync(file, 'a');
  try {
    fs.writeSync(fd, `${line}\n`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  // A new file's directory entry must reach the disk too, or the whole file can vanish in a power cut.
  if (!existed) syncDir(path.dirname(file));
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
