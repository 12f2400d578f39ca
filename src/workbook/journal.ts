import fs from 'node:fs';
import type { Change } from './changes.js';

/** Changes are JSON with bigints and dates tagged, so they replay exactly. */
function encode(change: Change): string {
  return JSON.stringify(change, function (this: Record<string, unknown>, key, value) {
    const raw = this[key];
    if (raw instanceof Date) return { $date: raw.toISOString() };
    if (typeof value === 'bigint') return { $bigint: value.toString() };
    return value;
  });
}

function decode(line: string): Change {
  return JSON.parse(line, (_key, value) => {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof value.$bigint === 'string' && Object.keys(value).length === 1) return BigInt(value.$bigint);
      if (typeof value.$date === 'string' && Object.keys(value).length === 1) return new Date(value.$date);
    }
    return value;
  }) as Change;
}

/**
 * The durable list of changes ValTrac could not write yet because an editor had the workbook open.
 * Append-only, one JSON change per line, fsync'd before the caller is told the change is safe.
 */
export class Journal {
  constructor(readonly path: string) {}

  append(change: Change): void {
    const fd = fs.openSync(this.path, 'a');
    try {
      fs.writeSync(fd, `${encode(change)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Pending changes in order. A torn last line (a crash mid-append) was never acknowledged, so it is skipped. */
  pending(): Change[] {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    // The element after the last newline is either empty or a torn line.
    const complete = lines.slice(0, -1);
    return complete.filter((line) => line.trim() !== '').map(decode);
  }

  /** Called after the changes are in the workbook (replaying them again would change nothing). */
  clear(): void {
    fs.rmSync(this.path, { force: true });
  }
}
