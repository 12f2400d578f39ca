import type { ApiPromise } from '@polkadot/api';
import { accountStates } from '../chain/transfer.js';
import { nextPayout } from '../domain/nextPayout.js';
import { httpUrl, networkUrl } from '../domain/settings.js';
import type { PayoutRow, Problem, Rao, Settings } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { readRecent } from '../workbook/recentRead.js';
import { WorkbookStore } from '../workbook/store.js';
import {
  balanceLowNotice,
  nodeBackNotice,
  nodeDownNotice,
  payoutNotice,
  planReadyNotice,
  problemsNotice,
  snapshotGapNotice,
  type DeliveredRow,
  type Notice,
} from './messages.js';
import { readState, updateState } from './state.js';
import { Webhook, type DeliveryPolicy } from './webhook.js';
import { out } from '../util/output.js';

/** How long a command that is finishing anyway waits for its notification to be delivered before it exits. */
export const EXIT_GRACE_MS = 10_000;

export interface NotifyOptions {
  log?: (line: string) => void;
  policy?: DeliveryPolicy;
  /** Wait at most this long for delivery (a command about to exit); without it delivery runs on in the background. */
  waitMs?: number;
}

const hooks = new Map<string, Webhook>();

/** One Webhook per URL and process, so a long-running process keeps retrying what it could not deliver yet. */
function webhookFor(settings: Pick<Settings, 'webhookUrl'>, options: NotifyOptions): Webhook | null {
  const url = settings.webhookUrl === null ? null : httpUrl(settings.webhookUrl);
  if (url === null) return null;
  let hook = hooks.get(url.href);
  if (!hook) {
    hook = new Webhook(url, options.log, options.policy);
    hooks.set(url.href, hook);
  }
  return hook;
}

/**
 * For a process about to end: waits (at most `limitMs`) for what its webhooks are still delivering in the background,
 * since the CLI ends the process as soon as the command returns.
 */
export async function settleDeliveries(limitMs: number, log: (line: string) => void = out.problem): Promise<void> {
  await Promise.all([...hooks.values()].map((hook) => settle(hook, limitMs, log)));
}

/** How long a process stopped by a signal gives a webhook request already under way; retries waiting are dropped. */
export const STOP_GRACE_MS = 1_000;

/**
 * For a long-running process stopped by SIGINT/SIGTERM: gives deliveries under way `STOP_GRACE_MS`, then gives up the
 * rest. Returns what it gave up, for the one line the process logs as it stops.
 */
export async function stopDeliveries(graceMs = STOP_GRACE_MS): Promise<string> {
  const given: string[] = [];
  for (const hook of hooks.values()) {
    const pending = hook.pending();
    if (pending > 0 && !(await hook.settled(graceMs))) given.push(`${hook.pending()} webhook notification(s) to ${hook.host} not delivered`);
  }
  return given.join(', ');
}

async function settle(hook: Webhook, limitMs: number, log: (line: string) => void): Promise<void> {
  if (!(await hook.settled(limitMs))) log(`webhook ${hook.host}: still not delivered after ${limitMs / 1000} s; giving up as the command ends`);
}

/** Sends the notices (nothing without a webhook URL); never throws, never waits longer than `waitMs`. */
export async function tell(settings: Pick<Settings, 'webhookUrl'>, notices: readonly Notice[], options: NotifyOptions = {}): Promise<void> {
  const hook = webhookFor(settings, options);
  if (!hook || notices.length === 0) return;
  for (const notice of notices) void hook.send(notice.text);
  if (options.waitMs !== undefined) await settle(hook, options.waitMs, options.log ?? out.problem);
}

async function settingsOf(workbookPath: string): Promise<Settings> {
  return (await readRecent(workbookPath)).settings;
}

/** plan: the plan is ready, and the payout coldkey's balance, if it is below what the plan sends. */
export async function notifyPlanReady(
  api: ApiPromise,
  settings: Settings,
  plan: { planId: string; fromBlock: number; toBlock: number; payments: number; toSend: Rao; carried: Rao },
  options: NotifyOptions = { waitMs: EXIT_GRACE_MS },
): Promise<void> {
  if (webhookFor(settings, options) === null) return;
  const notices = [planReadyNotice(plan)];
  try {
    if (settings.payoutColdkey) {
      const [payer] = await accountStates(api, [settings.payoutColdkey]);
      if (payer && payer.free < plan.toSend) {
        notices.push(balanceLowNotice({ address: settings.payoutColdkey, free: payer.free, needed: plan.toSend, what: `plan ${plan.planId} sends` }));
      }
    }
  } catch {
    // The balance is a courtesy here: confirm checks it before signing anything.
  }
  await tell(settings, notices, options);
}

/** confirm: paid, short or failed, from the rows as the chain settled them. The lead's verified amounts go here. */
export async function notifyPayout(settings: Settings, planId: string, rows: readonly DeliveredRow[], options: NotifyOptions = { waitMs: EXIT_GRACE_MS }): Promise<void> {
  await tell(settings, [payoutNotice(planId, rows)], options);
}

/** The plan's rows as Payouts shows them settled: a paid row delivered its amount, any other row nothing. */
export function deliveredRows(payouts: readonly PayoutRow[], planId: string): DeliveredRow[] {
  return payouts
    .filter((r) => r.planId === planId && r.status !== 'carried')
    // A paid row delivered what the chain's events showed; rows paid before that was recorded delivered the amount.
    .map((r) => ({ user: r.user, planned: r.amount, delivered: r.status === 'paid' ? (r.delivered ?? r.amount) : 0n }));
}

/** confirm, from the workbook as it stands after a batch settled. */
export async function notifyPayoutFromWorkbook(store: WorkbookStore, planId: string, options?: NotifyOptions): Promise<void> {
  try {
    const data = await store.read();
    await notifyPayout(data.settings, planId, deliveredRows(data.payouts, planId), options);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
}

/** snapshot: grid blocks the node no longer has (told every time: each gap is new). */
export async function notifySnapshotGap(workbookPath: string, missed: readonly number[], options: NotifyOptions = {}): Promise<void> {
  if (missed.length === 0) return;
  try {
    await tell(await settingsOf(workbookPath), [snapshotGapNotice({ count: missed.length, fromBlock: missed[0]!, toBlock: missed.at(-1)! })], options);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
  }
}

/**
 * snapshot: wraps its connection. Each failed start records since when the node is down (pm2 restarts the snapshotter,
 * so this spans processes); once that is `nodeAlertMinutes` ago it is told, once, and told again when it is back.
 */
export async function watchNodeReach<T>(
  workbookPath: string,
  settings: Settings,
  network: string,
  connecting: Promise<T>,
  options: NotifyOptions = { waitMs: EXIT_GRACE_MS },
  now: () => Date = () => new Date(),
): Promise<T> {
  const url = networkUrl(network);
  const nodeHost = url ? new URL(url).host : 'of Settings';
  let api: T;
  try {
    api = await connecting;
  } catch (error) {
    await noteNodeDown(workbookPath, settings, nodeHost, now(), options).catch(() => undefined);
    throw error;
  }
  await noteNodeUp(workbookPath, settings, nodeHost, now(), options).catch(() => undefined);
  return api;
}

async function noteNodeDown(workbookPath: string, settings: Settings, host: string, at: Date, options: NotifyOptions): Promise<void> {
  // With notifications off nothing is kept: ValTrac writes no file it has no use for.
  if (webhookFor(settings, options) === null) return;
  const state = await readState(workbookPath);
  const since = state.nodeDownSince ? new Date(state.nodeDownSince) : at;
  const due = !state.nodeDownTold && at.getTime() - since.getTime() >= settings.nodeAlertMinutes * 60_000;
  await updateState(workbookPath, (s) => ({ ...s, nodeDownSince: since.toISOString(), nodeDownTold: s.nodeDownTold || due }));
  if (due) await tell(settings, [nodeDownNotice(host, since, at)], options);
}

async function noteNodeUp(workbookPath: string, settings: Settings, host: string, at: Date, options: NotifyOptions): Promise<void> {
  const state = await readState(workbookPath);
  if (!state.nodeDownSince) return;
  await updateState(workbookPath, ({ nodeDownSince: _since, nodeDownTold: _told, ...rest }) => rest);
  if (state.nodeDownTold) await tell(settings, [nodeBackNotice(host, new Date(state.nodeDownSince), at)], { ...options, waitMs: undefined });
}

/**
 * snapshot: after new rows, whether the payout coldkey still covers what a plan made now would send. Told once when
 * it falls below, and again only after it recovered.
 */
export async function notifyAfterSnapshots(api: ApiPromise, workbookPath: string, options: NotifyOptions = {}): Promise<void> {
  try {
    const data = await readRecent(workbookPath);
    const payer = data.settings.payoutColdkey;
    if (webhookFor(data.settings, options) === null || !payer) return;
    const estimate = nextPayout(data.snapshots, data.payouts);
    if (!estimate || estimate.toUsers <= 0n) return;
    const [state, [account]] = await Promise.all([readState(workbookPath), accountStates(api, [payer])]);
    const low = account !== undefined && account.free < estimate.toUsers;
    if (low === Boolean(state.balanceLowTold)) return;
    await updateState(workbookPath, (s) => ({ ...s, balanceLowTold: low }));
    if (low) {
      await tell(data.settings, [balanceLowNotice({ address: payer, free: account!.free, needed: estimate.toUsers, what: 'the next plan would send now' })], options);
    }
  } catch (error) {
    (options.log ?? out.problem)(`notifications: the payout balance was not checked: ${(error as Error).message}`);
  }
}

function problemKey(p: Problem): string {
  return `${p.sheet}!${p.cell}: ${p.message}`;
}

/** watch: after each check, problems not seen before are told (their cells only); fixed ones are forgotten. */
export async function notifyNewProblems(workbookPath: string, problems: readonly Problem[], options: NotifyOptions = {}): Promise<void> {
  try {
    const settings = await settingsOf(workbookPath);
    if (webhookFor(settings, options) === null) return;
    const state = await readState(workbookPath);
    const told = new Set(state.problems ?? []);
    const fresh = problems.filter((p) => !told.has(problemKey(p)));
    const keys = problems.map(problemKey);
    if (fresh.length === 0 && keys.length === told.size) return;
    await updateState(workbookPath, (s) => ({ ...s, problems: keys }));
    if (fresh.length > 0) await tell(settings, [problemsNotice(fresh, problems.length)], options);
  } catch (error) {
    (options.log ?? out.problem)(`notifications: problems not told: ${(error as Error).message}`);
  }
}
