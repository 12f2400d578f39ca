import type { ApiPromise } from '@polkadot/api';
import { blockTime } from '../chain/blocks.js';
import type { WorkbookStore } from '../workbook/store.js';
import { out } from '../util/output.js';

/**
 * After confirm paid a plan: each paid row gets its paying block's time and the USD price asked at confirm (when the
 * source answered), so a statement shows the date and the value when it was paid, also after the row is archived.
 * Rows that have them keep them. A failure only warns: the payment is done and recorded either way.
 */
export async function recordPaidRows(
  api: ApiPromise,
  store: WorkbookStore,
  planId: string,
  usdPrice: bigint | null,
  warn: (line: string) => void = out.problem,
): Promise<void> {
  try {
    const rows = (await store.read()).payouts.filter((r) => r.planId === planId && r.status === 'paid' && (r.paidAt === undefined || (usdPrice !== null && r.usdPrice === undefined)));
    if (rows.length === 0) return;
    const times = new Map<string, Date>();
    for (const hash of new Set(rows.flatMap((r) => (r.blockHash ? [r.blockHash] : [])))) times.set(hash, await blockTime(api, hash));
    await store.apply({
      kind: 'recordPayments',
      planId,
      rows: rows.map((r) => {
        const paidAt = r.blockHash ? times.get(r.blockHash) : undefined;
        return { user: r.user, ...(paidAt ? { paidAt } : {}), ...(usdPrice !== null ? { usdPrice } : {}) };
      }),
    });
  } catch (error) {
    warn(`the payment is recorded, but its time and USD price were not written to Payouts: ${(error as Error).message}`);
  }
}
