import fs from 'node:fs';
import { appendLineDurably, readCompleteLines } from '../util/appendLog.js';
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
    appendLineDurably(this.path, encode(change));
  }

  /** Pending changes in order. A torn last line (a crash mid-append) was never acknowledged, so it is skipped. */
  pending(): Change[] {
    return readCompleteLines(this.path)
      .filter((line) => line.trim() !== '')
      .map(decode);
  }

  /** Called after the changes are in the workbook (replaying them again would change nothing). */
  clear(): void {
    fs.rmSync(this.path, { force: true });
  }
}
