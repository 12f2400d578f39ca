import { nameKey } from './names.js';
import { closedPlans, owed } from './period.js';
import { formatTao } from './tao.js';
import type { PayoutRow, Rao } from './types.js';

/**
 * The money of one plan in words and figures: what the take accrued, what of it went to registered users, what was
 * paid and what stayed with the owner. Statements, `stats` and the charts all take their figures from here, so they
 * never disagree.
 */
export interface PlanMoney {
  planId: string;
  fromBlock: number;
  toBlock: number;
  /** The take accrued over the period (or the pool given to plan): what the nominators' shares were taken of. */
  pool: Rao;
  /** What registered users earned from this pool (carries from earlier plans not included). */
  allocated: Rao;
  /** pool − allocated: the unregistered nominators' share (and the rounding), which stays with the owner. */
  keptByOwner: Rao;
  /** What the previous plan still owed (carried rows, shortfalls), added to this plan's rows. */
  carriedIn: Rao;
  /** What the chain delivered to users in this plan's payments, carries included (valued in TAO). */
  paid: Rao;
  /** What this plan still owes: its carried rows and what the chain did not deliver, paid with the next plan. */
  carriedOut: Rao;
}

/** Each paid row's carry from the previous closed plan, by plan id and name key (rows of a plan are keyed by user). */
export function carriesByPlan(payouts: readonly PayoutRow[]): Map<string, Map<string, Rao>> {
  const closed = closedPlans(payouts);
  const planIds = [...new Set(payouts.map((r) => r.planId))];
  const toBlockOf = (planId: string) => Math.max(...payouts.filter((r) => r.planId === planId).map((r) => r.toBlock));
  const result = new Map<string, Map<string, Rao>>();
  for (const planId of planIds) {
    // The carry comes from the newest closed plan before this one (an open plan's period starts after it too).
    const previous = closed.filter((p) => p.planId !== planId && p.toBlock < toBlockOf(planId)).at(-1);
    const carries = new Map<string, Rao>();
    for (const row of payouts.filter((r) => r.planId === previous?.planId)) {
      const due = owed(row);
      if (due > 0n) carries.set(nameKey(row.user), (carries.get(nameKey(row.user)) ?? 0n) + due);
    }
    result.set(planId, carries);
  }
  return result;
}

/** What a paid row delivered: the chain's events where recorded, else the amount (rows paid before that was kept). */
export function deliveredOf(row: PayoutRow): Rao {
  return row.status === 'paid' ? (row.delivered ?? row.amount) : 0n;
}

export function planMoney(payouts: readonly PayoutRow[], planId: string, carries = carriesByPlan(payouts)): PlanMoney {
  const rows = payouts.filter((r) => r.planId === planId);
  if (rows.length === 0) throw new Error(`planMoney: no rows of plan ${planId}`);
  const carry = carries.get(planId) ?? new Map<string, Rao>();
  const carriedIn = [...carry.values()].reduce((a, b) => a + b, 0n);
  const pool = rows[0]!.pool;
  // A row's amount is what the user earned now plus what was carried to them; a carried row of a user who left is
  // all carry. Each user's carry is counted once, against the first of their rows.
  const counted = new Set<string>();
  let allocated = 0n;
  for (const row of rows) {
    const key = nameKey(row.user);
    const theirs = counted.has(key) ? 0n : (carry.get(key) ?? 0n);
    counted.add(key);
    allocated += row.amount > theirs ? row.amount - theirs : 0n;
  }
  return {
    planId,
    fromBlock: rows[0]!.fromBlock,
    toBlock: rows[0]!.toBlock,
    pool,
    allocated,
    keptByOwner: pool > allocated ? pool - allocated : 0n,
    carriedIn,
    paid: rows.reduce((sum, r) => sum + deliveredOf(r), 0n),
    carriedOut: rows.reduce((sum, r) => sum + owed(r), 0n),
  };
}

/** Every plan's money, oldest period first. */
export function moneyHistory(payouts: readonly PayoutRow[]): PlanMoney[] {
  const carries = carriesByPlan(payouts);
  return [...carries.keys()].map((id) => planMoney(payouts, id, carries)).sort((a, b) => a.toBlock - b.toBlock);
}

/** The sentence after a plan: what went to registered users and what stays with the owner, only when something does. */
export function allocationSentence(pool: Rao, allocated: Rao): string {
  const kept = pool - allocated;
  const head = `Allocated ${formatTao(allocated)} TAO of the ${formatTao(pool)} TAO pool to registered users`;
  if (kept <= 0n) return `${head}: all of it.`;
  return `${head}; the other ${formatTao(kept)} TAO (the share of nominators who are not users, and rounding) stays with the owner.`;
}
