import fs from 'node:fs';
import { appendLineDurably, readCompleteLines } from '../util/appendLog.js';
import { writeFileAtomic } from '../util/atomicFile.js';
import type { Problem } from '../domain/types.js';

/** How long a notice stays in the Problems sheet after what it reports happened. */
export const NOTICE_DAYS = 7;
const NOTICE_MS = NOTICE_DAYS * 24 * 60 * 60 * 1000;
/** The most notices the Problems sheet shows at once (the newest). */
const MAX_SHOWN = 50;

export interface Notice extends Problem {
  at: string;
}

/**
 * What ValTrac did on its own that a person must hear about, kept beside the workbook and listed in Problems for a
 * week: an older copy whose missing changes were re-applied, a waiting change that could no longer be applied. Unlike
 * the problems of the people's sheets these are not recomputed from the data, so they are stored.
 */
export class Notices {
  constructor(readonly path: string) {}

  private all(): Notice[] {
    return readCompleteLines(this.path).flatMap((line) => {
      try {
        return [JSON.parse(line) as Notice];
      } catch {
        return [];
      }
    });
  }

  /** The notices to show now, oldest first, as Problems rows. */
  active(now = new Date()): Problem[] {
    return this.all()
      .filter((n) => now.getTime() - Date.parse(n.at) < NOTICE_MS)
      .slice(-MAX_SHOWN)
      .map(({ sheet, cell, message, fix }) => ({ sheet, cell, message, fix }));
  }

  clear(): void {
    fs.rmSync(this.path, { force: true });
  }

  async add(problems: readonly Problem[], now = new Date()): Promise<void> {
    for (const p of problems) appendLineDurably(this.path, JSON.stringify({ at: now.toISOString(), sheet: p.sheet, cell: p.cell, message: p.message, fix: p.fix } satisfies Notice));
    const all = this.all();
    if (all.length > 0 && now.getTime() - Date.parse(all[0]!.at) >= NOTICE_MS) {
      await writeFileAtomic(this.path, all.filter((n) => now.getTime() - Date.parse(n.at) < NOTICE_MS).map((n) => `${JSON.stringify(n)}\n`).join(''));
    }
  }
}
