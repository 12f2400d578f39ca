import nodePath from 'node:path';
import { appendLineDurably, readCompleteLines } from '../util/appendLog.js';

/**
 * The never-pay-twice record: one JSON line per event, appended and fsync'd before the next step is taken.
 * A batch is written as `sending` (with its signed bytes, hash, nonce and mortal era) before it is submitted,
 * and `settled` once the chain decided it. A batch with `sending` and no `settled` line is open: `confirm`
 * must reconcile it with the chain before it sends anything else. A torn last line (a crash while writing it)
 * is ignored: it was never complete, so the submit that follows the fsync never happened.
 */
/** What the send log keeps of any signed extrinsic it recorded before submitting: enough to find or resubmit it. */
export interface RecordedExtrinsic {
  extrinsicHash: string;
  /** The signed extrinsic: public once submitted, and resubmitting the same bytes can never pay twice. */
  hex: string;
  /** The coldkey that signed it (older payout logs: read it from `hex`). */
  signer?: string;
  nonce: number;
  eraBirth: number;
  eraPeriod: number;
}

/** The recorded fields of an extrinsic `signer` signed (chain/transfer.ts's signBatch). */
export function recordedExtrinsic(signed: { hash: string; hex: string; nonce: number; eraBirth: number; eraPeriod: number }, signer: string): Required<RecordedExtrinsic> {
  return { extrinsicHash: signed.hash, hex: signed.hex, signer, nonce: signed.nonce, eraBirth: signed.eraBirth, eraPeriod: signed.eraPeriod };
}

export interface SendingEntry extends RecordedExtrinsic {
  type: 'sending';
  planId: string;
  batch: number;
  users: string[];
  /** The remark that marks the plan on chain, `valtrac:<plan>:<batch>` (older logs: none). */
  remark?: string | null;
  /** What each payment must deliver, checked against the block's events (older logs: none, paid as recorded). */
  payments?: LoggedPayment[];
  /** The validator hotkey a stake payment moves alpha on. */
  hotkey?: string | null;
  at: string;
}

/** A payment as the log keeps it: amounts as decimal RAO strings, so the line stays plain JSON. */
export interface LoggedPayment {
  user: string;
  address: string;
  amount: string;
  tao: string;
  parts: Array<{ netuid: number; tao: string; alpha: string }>;
}

/**
 * Transactions of the payout coldkey that are not ValTrac's payments, found on chain by `valtrac reconcile`, or a
 * nonce the owner declared known (`--acknowledge`): so that confirm's check of the key's nonce agrees again.
 */
export interface ForeignEntry {
  type: 'foreign';
  signer: string;
  /** The key's on-chain nonce once this transaction (or everything acknowledged) is counted. */
  nextNonce: number;
  extrinsicHash: string | null;
  blockNumber: number | null;
  why: string;
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
  /** The alpha each stake payment's `StakeAdded` events showed per subnet (older logs: none), for the tax files. */
  received?: ReceivedAlpha[];
  at: string;
}

export interface ReceivedAlpha {
  user: string;
  parts: Array<{ netuid: number; alpha: string }>;
}

/**
 * `valtrac fund`'s one `batch_all` signed by the owner coldkey (unstake per subnet, then the transfer to the payout
 * coldkey), recorded before it is submitted exactly as a payout batch is, so it is never sent twice.
 */
export interface FundingEntry extends Required<RecordedExtrinsic> {
  type: 'funding';
  planId: string;
  remark: string;
  /** The payout coldkey and the TAO transferred to it (null: the owner coldkey is the payout coldkey). */
  to: string | null;
  transfer: string;
  hotkey: string;
  /** Each unstake: alpha sold, the TAO expected at the signing block's price, the least the limit allows, the limit (RAO per alpha). */
  unstakes: Array<{ netuid: number; alpha: string; expected: string; guaranteed: string; limitPrice: string }>;
  at: string;
}

/** The chain's verdict on a funding batch, with what its events show each unstake paid out. */
export interface FundedEntry {
  type: 'funded';
  planId: string;
  extrinsicHash: string;
  outcome: 'funded' | 'failed' | 'expired';
  blockNumber: number | null;
  blockHash: string | null;
  error: string | null;
  received: Array<{ netuid: number; alpha: string; tao: string }>;
  transferred: string;
  fee: string | null;
  at: string;
}

export type SendLogEntry = SendingEntry | SettledEntry | ForeignEntry | FundingEntry | FundedEntry;

export interface PaidBatch extends SendingEntry {
  blockNumber: number | null;
  blockHash: string | null;
  received?: ReceivedAlpha[];
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
      return settled ? [{ ...(e as SendingEntry), blockNumber: settled.blockNumber, blockHash: settled.blockHash, ...(settled.received ? { received: settled.received } : {}) }] : [];
    });
  }

  /** Funding batches recorded as sent and not yet settled with the chain. */
  openFunding(): FundingEntry[] {
    const entries = this.entries();
    const settled = new Set(entries.filter((e) => e.type === 'funded').map((e) => e.extrinsicHash));
    return entries.filter((e): e is FundingEntry => e.type === 'funding' && !settled.has(e.extrinsicHash));
  }

  append(entry: SendLogEntry): void {
    appendLineDurably(this.path, JSON.stringify(entry), 'Recording a payout step in the send log');
  }
}
