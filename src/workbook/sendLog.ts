import fs from 'node:fs';
import nodePath from 'node:path';

/**
 * The never-pay-twice record: one JSON line per event, appended and fsync'd before the next step is taken.
 * A batch is written as `sending` (with its signed bytes, hash, nonce and mortal era) before it is submitted,
 * and `settled` once the chain decided it. A batch with `sending` and no `settled` line is open: `confirm`
 * must reconcile it with the chain before it sends anything else. A torn last line (a crash while writing it)
 * is ignored: it was never complete, so the submit that follows the fsync never happened.
 */
export interface SendingEntry {
  type: 'sending';
  planId: string;
  batch: number;
  users: string[];
  extrinsicHash: string;
  /** The signed extrinsic: public once submitted, and resubmitting the same bytes can never pay twice. */
  hex: string;
  nonce: number;
  eraBirth: number;
  eraPeriod: number;
  at: string;
}

export interface SettledEntry {
  type: 'settled';
  planId: string;
  batch: number;
  extrinsicHash: string;
  outcome: 'paid' | 'failed' | 'expired';
  blockNumber: number | null;
  blockHash: string | null;
  error: string | null;
  at: string;
}

export type SendLogEntry = SendingEntry | SettledEntry;

export class SendLog {
  constructor(readonly path: string) {}

  /** `.valtrac-payouts.jsonl` beside `valtrac.xlsx`. */
  static beside(workbookPath: string): SendLog {
    const dir = nodePath.dirname(workbookPath);
    const stem = nodePath.basename(workbookPath, nodePath.extname(workbookPath));
    return new SendLog(nodePath.join(dir, `.${stem}-payouts.jsonl`));
  }

  entries(): SendLogEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const lines = text.split('\n');
    const entries: SendLogEntry[] = [];
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        entries.push(JSON.parse(line) as SendLogEntry);
      } catch (error) {
        if (i === lines.length - 1) return;
        throw new Error(`${this.path} line ${i + 1} is damaged: ${(error as Error).message}`);
      }
    });
    return entries;
  }

  /** Batches recorded as sending and not yet settled, oldest first. */
  open(): SendingEntry[] {
    const entries = this.entries();
    const settled = new Set(entries.filter((e) => e.type === 'settled').map((e) => e.extrinsicHash));
    return entries.filter((e): e is SendingEntry => e.type === 'sending' && !settled.has(e.extrinsicHash));
  }

  append(entry: SendLogEntry): void {
    const existed = fs.existsSync(this.path);
    const fd = fs.openSync(this.path, 'a');
    try {
      fs.writeSync(fd, `${JSON.stringify(entry)}\n`);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    if (!existed) fsyncDir(nodePath.dirname(this.path));
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
