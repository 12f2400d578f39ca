import { formatTao } from '../domain/tao.js';
import type { Problem, Rao } from '../domain/types.js';

/**
 * The notifications' texts, from plain data only: plan ids, user names, amounts, block numbers and hosts. Nothing
 * here can see a key, a password or a full URL (webhook and node URLs may carry tokens), so no message carries one.
 */
export interface Notice {
  kind: 'plan-ready' | 'paid' | 'short' | 'failed' | 'snapshot-gap' | 'node-down' | 'node-back' | 'balance-low' | 'problems';
  text: string;
}

/** One payout row as the chain settled it: what the plan meant to send and what arrived. */
export interface DeliveredRow {
  user: string;
  planned: Rao;
  delivered: Rao;
}

const tao = (rao: Rao) => `${formatTao(rao)} TAO`;
const sum = (values: readonly Rao[]) => values.reduce((a, b) => a + b, 0n);

/** A list of at most `max` items, then how many more. */
function listed(items: readonly string[], max = 10): string {
  const shown = items.slice(0, max).join('\n');
  return items.length > max ? `${shown}\n… and ${items.length - max} more` : shown;
}

export function planReadyNotice(plan: { planId: string; fromBlock: number; toBlock: number; payments: number; toSend: Rao; carried: Rao }): Notice {
  return {
    kind: 'plan-ready',
    text:
      `ValTrac: plan ${plan.planId} is ready (snapshots ${plan.fromBlock}–${plan.toBlock}): ${plan.payments} payment(s), ` +
      `${tao(plan.toSend)} to send${plan.carried > 0n ? `, ${tao(plan.carried)} carried` : ''}. Check Payouts, then run valtrac confirm.`,
  };
}

/** paid: every row arrived in full; short: some arrived with less; failed: some did not arrive at all. */
export function payoutNotice(planId: string, rows: readonly DeliveredRow[]): Notice {
  const due = rows.filter((r) => r.planned > 0n);
  const failed = due.filter((r) => r.delivered === 0n);
  const short = due.filter((r) => r.delivered > 0n && r.delivered < r.planned);
  const planned = sum(due.map((r) => r.planned));
  const delivered = sum(due.map((r) => r.delivered));
  if (failed.length === 0 && short.length === 0) {
    return { kind: 'paid', text: `ValTrac: plan ${planId} is paid: ${tao(delivered)} to ${due.length} user(s).` };
  }
  const lines = [
    ...failed.map((r) => `${r.user}: nothing arrived of ${tao(r.planned)}`),
    ...short.map((r) => `${r.user}: ${tao(r.delivered)} of ${tao(r.planned)} arrived (${tao(r.planned - r.delivered)} short)`),
  ];
  const kind = failed.length > 0 ? 'failed' : 'short';
  const what = kind === 'failed' ? `${failed.length} payment(s) failed` : `${short.length} payment(s) arrived short`;
  return {
    kind,
    text: `ValTrac: plan ${planId}: ${what}; ${tao(delivered)} of ${tao(planned)} delivered. Run valtrac confirm after fixing the cause.\n${listed(lines)}`,
  };
}

export function snapshotGapNotice(gap: { count: number; fromBlock: number; toBlock: number }): Notice {
  return {
    kind: 'snapshot-gap',
    text:
      `ValTrac: ${gap.count} snapshot(s) missing from block ${gap.fromBlock} to ${gap.toBlock}: the node no longer has their state. ` +
      'Fill them with valtrac snapshot --backfill from an archive node, or accept the gap.',
  };
}

export function nodeDownNotice(host: string, since: Date, now: Date): Notice {
  const minutes = Math.floor((now.getTime() - since.getTime()) / 60_000);
  return { kind: 'node-down', text: `ValTrac: the node ${host} has been unreachable for ${minutes} minute(s) (since ${since.toISOString()}); no snapshots are recorded meanwhile.` };
}

export function nodeBackNotice(host: string, since: Date, now: Date): Notice {
  const minutes = Math.round((now.getTime() - since.getTime()) / 60_000);
  return { kind: 'node-back', text: `ValTrac: the node ${host} is reachable again after ${minutes} minute(s); the snapshotter fills what it can.` };
}

export function balanceLowNotice(low: { address: string; free: Rao; needed: Rao; what: string }): Notice {
  return {
    kind: 'balance-low',
    text: `ValTrac: the payout coldkey ${low.address} has ${tao(low.free)} free, less than ${low.what} (${tao(low.needed)}). Top it up before confirm.`,
  };
}

/**
 * Only where the problems are: a cell's text is what a person typed, and a seed phrase pasted into the wrong cell must
 * not leave the machine in a chat message.
 */
export function problemsNotice(fresh: readonly Problem[], total: number): Notice {
  const cells = fresh.map((p) => `${p.sheet}!${p.cell}`);
  return {
    kind: 'problems',
    text:
      `ValTrac: ${fresh.length} new problem(s) in the workbook (${total} in all) at ${listed(cells, 20).replace(/\n/g, ', ')}. ` +
      'The Problems sheet and valtrac check say what to fix; plan and confirm wait until then.',
  };
}
