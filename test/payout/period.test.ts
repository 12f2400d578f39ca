import * as Xlsx from '../../src/workbook/xlsx.js';
import { describe, expect, it } from 'vitest';
import { checkPlanAgainstWorkbook, paidKey } from '../../src/commands/planCheck.js';
import { payoutHistory, planFingerprint, planIdFor } from '../../src/domain/period.js';
import type { PayoutRow, PayoutSheetRow, Problem, Settings, User } from '../../src/domain/types.js';
import { readPayouts } from '../../src/workbook/read.js';
import type { WorkbookData } from '../../src/workbook/store.js';
import { addresses } from '../helpers.js';

const [A, B, C] = await addresses(3);

const row = (over: Partial<PayoutRow>): PayoutRow => ({
  planId: 'P1',
  status: 'planned',
  fromBlock: 100,
  toBlock: 400,
  pool: 1000n,
  user: 'alice',
  address: A!,
  basePpb: 500_000_000n,
  taxPaid: 0n,
  taxReceived: 0n,
  amount: 500n,
  batch: null,
  extrinsicHash: null,
  blockNumber: null,
  blockHash: null,
  note: '',
  delivered: null,
  ...over,
});

describe('payoutHistory', () => {
  it('starts from the first snapshot when nothing was paid, and an unpaid plan does not close a period', () => {
    expect(payoutHistory([]).closedThrough).toBeNull();
    expect(payoutHistory([row({}), row({ user: 'bob', status: 'carried' })]).closedThrough).toBeNull();
  });

  it('the newest paid plan closes the period and its carried rows carry in', () => {
    const history = payoutHistory([
      row({ planId: 'P0', toBlock: 100, status: 'paid' }),
      row({ planId: 'P0', toBlock: 100, user: 'bob', status: 'carried', amount: 7n }),
      row({ status: 'paid' }),
      row({ user: 'bob', status: 'carried', amount: 9n }),
      row({ user: 'carol', status: 'carried', amount: 0n }),
    ]);
    expect(history.closedThrough).toBe(400);
    expect(history.lastClosedPlan).toBe('P1');
    expect([...history.carriedIn]).toEqual([['bob', 9n]]);
    expect(history.carriedRows.map((r) => r.user)).toEqual(['bob', 'carol']);
  });

  it('what the chain did not deliver of a paid row carries in, like a carried row', () => {
    const history = payoutHistory([
      row({ status: 'paid', amount: 1_000n, delivered: 997n }),
      row({ user: 'bob', status: 'paid', amount: 500n, delivered: 500n }),
      row({ user: 'carol', status: 'paid', amount: 300n, delivered: null }),
      row({ user: 'dave', status: 'carried', amount: 11n }),
    ]);
    expect([...history.carriedIn]).toEqual([['alice', 3n], ['dave', 11n]]);
  });

  it('refuses to plan past a partly paid plan', () => {
    expect(() => payoutHistory([row({ status: 'paid' }), row({ user: 'bob', status: 'failed' })])).toThrow(
      /plan P1 is partly paid \(bob: failed\)/,
    );
    expect(() => payoutHistory([row({ status: 'sent' })])).toThrow(/partly paid/);
  });
});

describe('checkPlanAgainstWorkbook', () => {
  const planned = [row({}), row({ user: 'bob', address: B!, amount: 300n })];
  const fingerprint = planFingerprint(planned);
  const planId = planIdFor(400, fingerprint);
  const stored = { planId, fingerprint, rows: planned.map((r) => ({ ...r, planId })) };
  const users: User[] = [
    { name: 'alice', addresses: [A!], row: 3 },
    { name: 'bob', addresses: [B!], row: 4 },
  ];
  /** Rows as the sheet has them: from row 3 on, unless they say where they are. */
  const onSheet = (payouts: Array<PayoutRow | PayoutSheetRow>): PayoutSheetRow[] =>
    payouts.map((p, i) => ('row' in p ? p : { ...p, row: 3 + i }));
  const data = (payouts: Array<PayoutRow | PayoutSheetRow>, who = users): WorkbookData => ({
    users: who,
    referrals: [],
    settings: {} as Settings,
    snapshots: [],
    payouts: onSheet(payouts),
  });

  it('accepts the plan as written', () => {
    expect(checkPlanAgainstWorkbook(stored, data(stored.rows), new Set()).rows).toHaveLength(2);
  });

  it('names the cell of an amount edited by hand (rows start at sheet row 3)', () => {
    const edited = [stored.rows[0]!, { ...stored.rows[1]!, amount: 301n }];
    expect(() => checkPlanAgainstWorkbook(stored, data(edited), new Set())).toThrow(
      `Payouts!K4 (Amount (TAO) of bob in plan ${planId}) was changed after plan: it says 0.000000301 TAO, the plan says 0.000000300 TAO`,
    );
  });

  it('refuses an address that is no longer the user\'s payout address', () => {
    const moved = [users[0]!, { ...users[1]!, addresses: [C!] }];
    expect(() => checkPlanAgainstWorkbook(stored, data(stored.rows, moved), new Set())).toThrow(
      /Payouts!G4: .* is no longer bob's payout address/,
    );
  });

  it('refuses a row marked paid by hand that the send log never paid', () => {
    const marked = [{ ...stored.rows[0]!, status: 'paid' as const, extrinsicHash: '0xabc' }, stored.rows[1]!];
    expect(() => checkPlanAgainstWorkbook(stored, data(marked), new Set())).toThrow(/Payouts!B3 says alice was paid/);
    expect(checkPlanAgainstWorkbook(stored, data(marked), new Set([paidKey('alice', '0xabc')])).rows[0]!.status).toBe('paid');
  });

  it('names the right cell when a blank row and an unreadable row come before the plan', () => {
    const worksheet = new Xlsx.Workbook().addWorksheet('Payouts');
    const write = (r: number, p: PayoutRow) =>
      worksheet.getRow(r).values = [p.planId, p.status, p.fromBlock, p.toBlock, '0.000001000', p.user, p.address,
        '0.500000000', '0', '0', `0.${String(p.amount).padStart(9, '0')}`];
    worksheet.getRow(1).values = ['title'];
    worksheet.getRow(2).values = ['headers'];
    // row 3 left blank, row 4 an earlier plan's row with a status nobody can read, the plan from row 5
    write(4, { ...stored.rows[0]!, planId: 'P0', status: 'lost' as PayoutRow['status'] });
    write(5, stored.rows[0]!);
    write(6, { ...stored.rows[1]!, amount: 301n });
    const problems: Problem[] = [];
    const read = readPayouts(worksheet, problems);
    expect(problems.map((p) => p.cell)).toEqual(['B4']);
    expect(read.map((r) => [r.user, r.row])).toEqual([['alice', 5], ['bob', 6]]);
    expect(() => checkPlanAgainstWorkbook(stored, data(read), new Set())).toThrow(
      `Payouts!K6 (Amount (TAO) of bob in plan ${planId}) was changed after plan`,
    );
  });

  it('refuses a stored plan file that does not match its fingerprint', () => {
    const forged = { ...stored, rows: [{ ...stored.rows[0]!, amount: 999n }, stored.rows[1]!] };
    expect(() => checkPlanAgainstWorkbook(forged, data(forged.rows), new Set())).toThrow(/fingerprint/);
  });
});
