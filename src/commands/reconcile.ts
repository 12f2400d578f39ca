import type { ArgumentsCamelCase, Argv } from 'yargs';
import { finalizedHead } from '../chain/blocks.js';
import { connect } from '../chain/connect.js';
import { parseRemark, signedBy, type SignedByKey } from '../chain/scan.js';
import { nonceAt } from '../chain/transfer.js';
import type { PayoutRow } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import { withArchive } from '../workbook/archive.js';
import { SendLog } from '../workbook/sendLog.js';
import { WorkbookStore } from '../workbook/store.js';
import { knownNextNonce } from './confirm/paidTruth.js';
import { restorePaidRows } from './payoutRecovery.js';
import { out } from '../util/output.js';

interface ReconcileArgs {
  workbook: string;
  'from-block'?: number;
  acknowledge: boolean;
  network?: string;
}

/** Without --from-block: the blocks since the newest batch the log knows (or the last 2,000 blocks). */
const DEFAULT_LOOKBACK = 2_000;

export function builder(y: Argv): Argv<ReconcileArgs> {
  return y
    .option('from-block', { type: 'number', describe: 'First block to search (default: after the newest batch in the send log)' })
    .option('acknowledge', {
      type: 'boolean',
      default: false,
      describe: "Accept the key's transactions still unaccounted for after the search as not ValTrac payouts",
    })
    .option('network', { type: 'string', describe: 'local, finney, test or a ws(s):// URL (default: Settings network; an archive node can answer for old blocks)' })
    .example('valtrac reconcile --from-block 4200000', 'find what the payout coldkey sent since block 4,200,000')
    .example('valtrac reconcile --acknowledge', 'after checking them on an explorer: the rest were not payouts') as unknown as Argv<ReconcileArgs>;
}

export async function handler(args: ArgumentsCamelCase<ReconcileArgs>): Promise<void> {
  const store = new WorkbookStore(args.workbook);
  await store.applyPending();
  const data = await store.read();
  const payer = data.settings.payoutColdkey;
  if (!payer) throw new UserError('Settings has no payout coldkey: enter the SS58 address that pays, then run reconcile again');
  const log = SendLog.beside(args.workbook);
  const api = await connect(args.network ?? data.settings.network, { argument: args.network ? '--network' : 'Settings network' });
  try {
    const head = await finalizedHead(api);
    const from = args.fromBlock ?? defaultFrom(log, head.number);
    if (!Number.isInteger(from) || from < 0 || from > head.number) {
      throw new UserError(`--from-block ${args.fromBlock} is not a block between 0 and the finalized head ${head.number}`);
    }
    out.line(`Searching blocks ${from}..${head.number} for transactions of the payout coldkey ${payer}...`);
    const known = new Set(log.entries().flatMap((e) => (e.type === 'settled' || e.extrinsicHash === null ? [] : [e.extrinsicHash])));
    let next = from + 10_000;
    const found = await signedBy(api, payer, from, head.number, (block) => {
      if (block >= next) {
        out.line(`  ... block ${block}`);
        next += 10_000;
      }
    });
    const history = await withArchive(args.workbook, data);
    for (const [f, marked] of attribute(found)) if (!known.has(f.extrinsicHash)) record(api, log, f, marked, payer, history.payouts);
    if (await restorePaidRows(store, log, (await store.read()).payouts)) out.line('Payouts updated from the send log.');

    const onChain = await nonceAt(api, payer, head.hash);
    const accounted = knownNextNonce(api, log, payer);
    if (onChain <= accounted) {
      out.line(`The send log now accounts for every transaction of ${payer} (nonce ${onChain} at block ${head.number}).`);
      return;
    }
    if (args.acknowledge) {
      log.append({ type: 'foreign', signer: payer, nextNonce: onChain, extrinsicHash: null, blockNumber: head.number, why: 'acknowledged by the owner (valtrac reconcile --acknowledge)', at: new Date().toISOString() });
      out.line(`Acknowledged: the ${onChain - accounted} transaction(s) of ${payer} before block ${from} that were not found are not ValTrac payouts.`);
      return;
    }
    throw new UserError(
      `${onChain - accounted} transaction(s) of ${payer} are still unaccounted for (nonce ${onChain} on chain, the send log ` +
        `accounts for ${accounted}); they were sent before block ${from}. Search from an earlier block (--from-block), or, ` +
        'once you have checked on a block explorer that none of them was a ValTrac payout, run valtrac reconcile --acknowledge',
    );
  } finally {
    await api.disconnect();
  }
}

function defaultFrom(log: SendLog, head: number): number {
  const births = log.entries().flatMap((e) => (e.type === 'sending' ? [e.eraBirth] : []));
  return births.length ? Math.max(...births) : Math.max(0, head - DEFAULT_LOOKBACK);
}

/**
 * Which plan each transaction paid: a batch carries its plan id remark; on runtimes without utility.batch_all the
 * remark is its own transaction and the payments follow it with the next nonces, one transfer each.
 */
function attribute(found: readonly SignedByKey[]): Array<[SignedByKey, { planId: string; batch: number } | null]> {
  let after: { planId: string; batch: number; nonce: number } | null = null;
  return [...found]
    .sort((a, b) => a.nonce - b.nonce)
    .map((f) => {
      const own = parseRemark(f.remark);
      if (own) {
        after = own && f.recipients.length === 0 ? { ...own, nonce: f.nonce } : null;
        return [f, own];
      }
      if (after && f.remark === null && f.nonce === after.nonce + 1 && f.recipients.length === 1) {
        after = { planId: after.planId, batch: after.batch + 1, nonce: f.nonce };
        return [f, { planId: after.planId, batch: after.batch }];
      }
      after = null;
      return [f, null];
    });
}

/**
 * A transaction the log did not know goes into it: ValTrac's own batches (recognised by their plan-id remark) as a
 * sent batch with the chain's verdict, anything else as a foreign transaction of the key.
 */
function record(
  api: Parameters<typeof nonceAt>[0],
  log: SendLog,
  f: SignedByKey,
  marked: { planId: string; batch: number } | null,
  payer: string,
  payouts: readonly PayoutRow[],
): void {
  const at = new Date().toISOString();
  if (!marked) {
    log.append({ type: 'foreign', signer: payer, nextNonce: f.nonce + 1, extrinsicHash: f.extrinsicHash, blockNumber: f.blockNumber, why: 'not a ValTrac payout (no plan id remark)', at });
    out.line(`Block ${f.blockNumber}: ${f.extrinsicHash} (nonce ${f.nonce}) is not a ValTrac payout; recorded as sent by something else.`);
    return;
  }
  if (f.outcome === 'unknown') {
    throw new UserError(
      `block ${f.blockNumber} holds batch ${marked.batch} of plan ${marked.planId} (${f.extrinsicHash}), but the node no longer ` +
        'has that block\'s state to tell whether it succeeded: run valtrac reconcile --network <an archive node>',
    );
  }
  const rows = payouts.filter((r) => r.planId === marked.planId);
  const users = f.recipients.map((address) => rows.find((r) => r.address === address)?.user ?? address);
  const era = api.createType('Extrinsic', f.hex).era;
  const birth = era.isMortalEra ? Number(era.asMortalEra.birth(f.blockNumber)) : 0;
  const period = era.isMortalEra ? Number(era.asMortalEra.period) : 0;
  log.append({ type: 'sending', planId: marked.planId, batch: marked.batch, users, extrinsicHash: f.extrinsicHash, hex: f.hex, signer: payer, nonce: f.nonce, eraBirth: birth, eraPeriod: period, remark: f.remark, at });
  log.append({ type: 'settled', planId: marked.planId, batch: marked.batch, extrinsicHash: f.extrinsicHash, outcome: f.outcome, blockNumber: f.blockNumber, blockHash: f.blockHash, error: f.error, at });
  out.line(foundLine(f, marked, users, rows.length > 0));
}

/**
 * What reconcile says of one of ValTrac's own extrinsics it found: who it paid, or, for the extrinsic that carries only
 * the plan-id remark (runtimes without utility.batch_all send it first), that it paid nobody.
 */
export function foundLine(
  f: Pick<SignedByKey, 'blockNumber' | 'extrinsicHash' | 'outcome' | 'error'>,
  marked: { planId: string; batch: number },
  users: readonly string[],
  planKnown: boolean,
): string {
  const remarkOnly = users.length === 0;
  const verb = f.outcome !== 'paid' ? `failed (${f.error})` : remarkOnly ? 'included' : 'paid';
  const whom = remarkOnly ? ' (the plan id remark only: no payment in it)' : ` ${users.join(', ')}`;
  const known = planKnown ? '' : ' (a plan neither Payouts nor the archive holds)';
  return `Block ${f.blockNumber}: batch ${marked.batch} of plan ${marked.planId} (${f.extrinsicHash}) ${verb}${whom}${known}; recorded in the send log.`;
}
