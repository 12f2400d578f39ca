import nodePath from 'node:path';
import { appendLineDurably, readCompleteLines } from '../util/appendLog.js';

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

export interface PaidBatch extends SendingEntry {
  blockNumber: number | null;
  blockHash: string | null;
}

export class SendLog {
  constructor(readonly path: string) {}

  /** `.valtrac-payouts.jsonl` beside `valtrac.xlsx`. */
  static beside(workbookPath: string): SendLog {
    const dir = nodePath.dirname(workbookPath);
    const stem = nodePath.basename(workbookPath, nodePath.extname(workbookPath));
    return new SendLog(nodePath.join(dir, `.${stem}-payouts.jsonl`));
  }

  entries(): SendLogEntry[] {
    const entries: SendLogEntry[] = [];
    readCompleteLines(this.path).forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        entries.push(JSON.parse(line) as SendLogEntry);
      } catch (error) {
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

  /** Batches the chain included successfully, with the users they paid and where. */
  paidBatches(): PaidBatch[] {
    const entries = this.entries();
    const paid = new Map(
      entries.flatMap((e) => (e.type === 'settled' && e.outcome === 'paid' ? [[e.extrinsicHash, e] as const] : [])),
    );
    return entries.flatMap((e) => {
      const settled = e.type === 'sending' ? paid.get(e.extrinsicHash) : undefined;
      return settled ? [{ ...(e as SendingEntry), blockNumber: settled.blockNumber, blockHash: settled.blockHash }] : [];
    });
  }

  append(entry: SendLogEntry): void {
    appendLineDurably(this.path, JSON.stringify(entry));
  }
}
