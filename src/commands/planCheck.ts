import { checkAddress } from '../domain/address.js';
import { FINGERPRINTED, planFingerprint, planIdFor } from '../domain/period.js';
import { formatScaled9, formatTao } from '../domain/tao.js';
import type { PayoutRow } from '../domain/types.js';
import { UserError } from '../util/errors.js';
import type { StoredPlan } from '../workbook/planFile.js';
import type { WorkbookData } from '../workbook/store.js';

const COLUMN: Record<string, { letter: string; header: string }> = {
  status: { letter: 'B', header: 'Status' },
  fromBlock: { letter: 'C', header: 'From block' },
  toBlock: { letter: 'D', header: 'To block' },
  pool: { letter: 'E', header: 'Pool (TAO)' },
  user: { letter: 'F', header: 'User' },
  address: { letter: 'G', header: 'Address' },
  basePpb: { letter: 'H', header: 'Base %' },
  taxPaid: { letter: 'I', header: 'Tax paid (TAO)' },
  taxReceived: { letter: 'J', header: 'Tax received (TAO)' },
  amount: { letter: 'K', header: 'Amount (TAO)' },
};

/** Statuses a stored row may have moved to by confirm itself (a `planned` row is sent, paid or failed). */
const LATER: Record<string, readonly string[]> = {
  planned: ['planned', 'sent', 'paid', 'failed'],
  carried: ['carried'],
};

export interface CheckedPlan {
  planId: string;
  fromBlock: number;
  toBlock: number;
  rows: PayoutRow[];
}

/**
 * The plan exactly as `plan` stored it, or a refusal naming the Payouts cell that differs: the rows in the workbook
 * must match the stored plan field by field, the stored plan its fingerprint, and each address must still be its
 * user's payout address and a valid SS58 address.
 */
export function checkPlanAgainstWorkbook(
  stored: StoredPlan | null,
  data: WorkbookData,
  paidByLog: ReadonlySet<string>,
): CheckedPlan {
  if (!stored) throw new UserError('there is no plan to confirm: run valtrac plan first');
  if (planFingerprint(stored.rows) !== stored.fingerprint || planIdFor(stored.rows[0]?.toBlock ?? 0, stored.fingerprint) !== stored.planId) {
    throw new UserError('the stored plan file does not match its fingerprint (was it edited?): run valtrac plan again');
  }
  const sheetRows = data.payouts.filter((row) => row.planId === stored.planId).map((row) => ({ row, sheetRow: row.row }));
  if (sheetRows.length === 0) {
    throw new UserError(`Payouts has no rows of plan ${stored.planId} (the latest plan): run valtrac plan again`);
  }
  const rows: PayoutRow[] = [];
  for (const planned of stored.rows) {
    const found = sheetRows.find(({ row }) => row.user === planned.user);
    if (!found) throw new UserError(`Payouts: the row of ${planned.user} in plan ${stored.planId} is missing: run valtrac plan again`);
    for (const field of FINGERPRINTED) {
      const now = found.row[field];
      const then = planned[field];
      const changed = field === 'status' ? !(LATER[String(then)] ?? []).includes(String(now)) : now !== then;
      if (changed) {
        const { letter, header } = COLUMN[field]!;
        throw new UserError(
          `Payouts!${letter}${found.sheetRow} (${header} of ${planned.user} in plan ${stored.planId}) was changed after ` +
            `plan: it says ${show(field, now)}, the plan says ${show(field, then)}. Nothing was sent. ` +
            'Undo the edit or run valtrac plan again.',
        );
      }
    }
    if (found.row.status === 'paid' && !paidByLog.has(paidKey(found.row.user, found.row.extrinsicHash))) {
      throw new UserError(
        `Payouts!B${found.sheetRow} says ${planned.user} was paid, but ValTrac's send log has no paid batch ` +
          `${found.row.extrinsicHash ?? '(no extrinsic hash)'} for them: undo the edit, or check the hash on a block explorer`,
      );
    }
    rows.push(found.row);
  }
  const extra = sheetRows.find(({ row }) => !stored.rows.some((p) => p.user === row.user));
  if (extra) {
    throw new UserError(
      `Payouts!F${extra.sheetRow}: ${extra.row.user} is not in plan ${stored.planId} as planned (a row was added by hand): remove it or run valtrac plan again`,
    );
  }
  for (const { row, sheetRow } of sheetRows) {
    if (row.status !== 'planned' && row.status !== 'failed') continue;
    const check = checkAddress(row.address);
    if (!check.ok) throw new UserError(`Payouts!G${sheetRow} (${row.user}): ${check.message} ${check.fix}`);
    const user = data.users.find((u) => u.name === row.user);
    if (!user) throw new UserError(`Payouts!F${sheetRow}: ${row.user} is no longer in Users: run valtrac plan again`);
    if (user.addresses[0] !== row.address) {
      throw new UserError(
        `Payouts!G${sheetRow}: ${row.address} is no longer ${row.user}'s payout address (Users row ${user.row} now starts with ` +
          `${user.addresses[0]}): run valtrac plan again`,
      );
    }
  }
  return { planId: stored.planId, fromBlock: stored.rows[0]!.fromBlock, toBlock: stored.rows[0]!.toBlock, rows };
}

/** How the send log's paid batches are looked up: one key per (user, extrinsic hash). */
export function paidKey(user: string, extrinsicHash: string | null): string {
  return `${user}\u0000${extrinsicHash ?? ''}`;
}

function show(field: keyof PayoutRow, value: unknown): string {
  if (typeof value !== 'bigint') return String(value);
  if (field === 'basePpb') return `${formatScaled9(value * 100n)} %`;
  return `${formatTao(value)} TAO`;
}
