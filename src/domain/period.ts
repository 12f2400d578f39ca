import { createHash } from 'node:crypto';
import { formatTao } from './tao.js';
import type { PayoutRow, Rao } from './types.js';
import { UserError } from '../util/errors.js';

/**
 * Where the next period starts and what it carries in, read from the Payouts rows.
 *
 * A plan is closed once any of its rows is `paid` (confirm pays every row of a plan or stops with the rest
 * `planned`/`failed`, which confirm retries). The newest closed plan ends the last period; its `carried` rows are
 * what the next plan adds to each user's amount. A plan that is still open (only `planned`/`carried` rows) is
 * simply replaced by the next `plan`, whose period then starts at the same place.
 */
export interface PayoutHistory {
  /** Snapshots with a block above this belong to the next period (null: from the first snapshot). */
  closedThrough: number | null;
  lastClosedPlan: string | null;
  carriedIn: Map<string, Rao>;
  /** The closed plan's carried rows: kept in Payouts (re-written with the new plan) as the record of the carry. */
  carriedRows: PayoutRow[];
}

function byPlan(rows: readonly PayoutRow[]): Map<string, PayoutRow[]> {
  const plans = new Map<string, PayoutRow[]>();
  for (const row of rows) {
    const planRows = plans.get(row.planId);
    if (planRows) planRows.push(row);
    else plans.set(row.planId, [row]);
  }
  return plans;
}

export interface ClosedPlan {
  planId: string;
  /** The last snapshot block of the plan's period. */
  toBlock: number;
}

/** Plans that are fully paid (some row `paid`, none `planned`, `sent` or `failed`), oldest period first. */
export function closedPlans(rows: readonly PayoutRow[]): ClosedPlan[] {
  const closed: ClosedPlan[] = [];
  for (const [planId, planRows] of byPlan(rows)) {
    const paid = planRows.some((r) => r.status === 'paid');
    const open = planRows.some((r) => r.status === 'planned' || r.status === 'sent' || r.status === 'failed');
    if (paid && !open) closed.push({ planId, toBlock: Math.max(...planRows.map((r) => r.toBlock)) });
  }
  return closed.sort((a, b) => a.toBlock - b.toBlock);
}

export function payoutHistory(rows: readonly PayoutRow[]): PayoutHistory {
  const plans = byPlan(rows);
  let last: { planId: string; toBlock: number } | null = null;
  for (const [planId, planRows] of plans) {
    const sent = planRows.filter((r) => r.status === 'sent');
    const paid = planRows.some((r) => r.status === 'paid');
    const unpaid = planRows.filter((r) => r.status === 'planned' || r.status === 'failed');
    if (sent.length > 0 || (paid && unpaid.length > 0)) {
      throw new UserError(
        `plan ${planId} is partly paid (${[...sent, ...unpaid].map((r) => `${r.user}: ${r.status}`).join(', ')}): ` +
          'finish it with valtrac confirm before planning the next period',
      );
    }
    if (paid) {
      const toBlock = Math.max(...planRows.map((r) => r.toBlock));
      if (!last || toBlock > last.toBlock) last = { planId, toBlock };
    }
  }
  const lastRows = last ? plans.get(last.planId)! : [];
  const carriedRows = lastRows.filter((r) => r.status === 'carried');
  return {
    closedThrough: last?.toBlock ?? null,
    lastClosedPlan: last?.planId ?? null,
    carriedIn: new Map(lastRows.flatMap((r) => (owed(r) > 0n ? [[r.user, owed(r)] as const] : []))),
    carriedRows,
  };
}

/**
 * What a closed plan still owes a user: a carried row's whole amount, or the part of a paid row the chain did not
 * deliver (a stake payment the runtime swapped through its pool, say).
 */
export function owed(row: PayoutRow): Rao {
  if (row.status === 'carried') return row.amount;
  if (row.status === 'paid' && row.delivered !== null && row.delivered < row.amount) return row.amount - row.delivered;
  return 0n;
}

/** The fields a plan fixes; anything else in a Payouts row (batch, hashes, notes) is confirm's to write. */
export const FINGERPRINTED: readonly (keyof PayoutRow)[] = [
  'status',
  'fromBlock',
  'toBlock',
  'pool',
  'user',
  'address',
  'basePpb',
  'taxPaid',
  'taxReceived',
  'amount',
];

export function rowKey(row: PayoutRow): string {
  return FINGERPRINTED.map((field) => String(row[field])).join('|');
}

/** sha256 over the plan's rows in order: stored with the plan, so an edited row cannot be signed unnoticed. */
export function planFingerprint(rows: readonly PayoutRow[]): string {
  const hash = createHash('sha256');
  for (const row of rows) hash.update(`${rowKey(row)}\n`);
  return hash.digest('hex');
}

/** A plan id people can read: the period's last block and the fingerprint's first 8 hex digits. */
export function planIdFor(toBlock: number, fingerprint: string): string {
  return `P${toBlock}-${fingerprint.slice(0, 8)}`;
}

export function carryNote(carriedIn: Rao, fromPlan: string | null): string {
  return carriedIn > 0n ? `includes ${formatTao(carriedIn)} TAO carried from plan ${fromPlan ?? '?'}` : '';
}
