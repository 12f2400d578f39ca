import fs from 'node:fs';
import { appendLineDurably, readCompleteLines } from '../util/appendLog.js';
import { decodeTagged, encodeTagged } from '../util/taggedJson.js';
import type { Change } from './changes.js';

/**
 * The durable list of changes ValTrac could not write yet because an editor had the workbook open.
 * Append-only, one JSON change per line, fsync'd before the caller is told the change is safe.
 */
export class Journal {
  constructor(readonly path: string) {}

  append(change: Change): void {
    appendLineDurably(this.path, encodeTagged(change), 'Saving a waiting change to the journal');
  }

  /** Pending changes in order. A torn last line (a crash mid-append) was never acknowledged, so it is skipped. */
  pending(): Change[] {
    return readCompleteLines(this.path)
      .filter((line) => line.trim() !== '')
      .map((line) => decodeTagged(line) as Change);
  }

  /** Called after the changes are in the workbook (replaying them again would change nothing). */
  clear(): void {
    fs.rmSync(this.path, { force: true });
  }
}
