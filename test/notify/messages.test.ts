import { describe, expect, test } from 'vitest';
import { balanceLowNotice, payoutNotice, planReadyNotice, snapshotGapNotice } from '../../src/notify/messages.js';
import { deliveredRows } from '../../src/notify/notify.js';
import { payouts } from '../fixtures/seed.js';

const TAO = 1_000_000_000n;

describe('payout notices from planned and delivered RAO', () => {
  test.each([
    ['paid', [{ user: 'alice', planned: 2n * TAO, delivered: 2n * TAO }, { user: 'bob', planned: 1n, delivered: 1n }, { user: 'carol', planned: 0n, delivered: 0n }], 'ValTrac: plan P9: 2.000000001 TAO to 2 user(s).'],
    [
      'failed',
      [{ user: 'alice', planned: 2n * TAO, delivered: 2n * TAO }, { user: 'bob', planned: TAO, delivered: 0n }],
      'ValTrac: plan P9: 1 payment(s) failed; 2.000000000 TAO of 3.000000000 TAO delivered. Run valtrac confirm after fixing the cause.\nbob: nothing arrived of 1.000000000 TAO',
    ],
    [
      'failed',
      [{ user: 'alice', planned: 2n * TAO, delivered: 1n }, { user: 'bob', planned: TAO, delivered: 0n }],
      'ValTrac: plan P9: 1 payment(s) failed; 0.000000001 TAO of 3.000000000 TAO delivered. Run valtrac confirm after fixing the cause.\n' +
        'bob: nothing arrived of 1.000000000 TAO\nalice: 0.000000001 TAO of 2.000000000 TAO arrived (1.999999999 TAO short)',
    ],
  ] as const)('%s', (kind, rows, text) => {
    const notice = payoutNotice('P9', rows);
    expect(notice.kind).toBe(kind);
    expect(notice.text).toBe(kind === 'paid' ? text.replace('plan P9:', 'plan P9 is paid:') : text);
  });

  test('a long list names ten and counts the rest', () => {
    const rows = Array.from({ length: 13 }, (_, i) => ({ user: `u${i}`, planned: 5n, delivered: 0n }));
    const text = payoutNotice('P1', rows).text;
    expect(text.split('\n')).toHaveLength(1 + 10 + 1);
    expect(text.endsWith('… and 3 more')).toBe(true);
  });

  test('deliveredRows reads Payouts: paid rows delivered their amount, planned ones nothing, carried ones are left out', () => {
    expect(deliveredRows(payouts, 'p1')).toEqual([
      { user: 'alice', planned: 25_200_000n, delivered: 25_200_000n },
      { user: 'bob', planned: 10_800_000n, delivered: 10_800_000n },
      { user: 'carol', planned: 0n, delivered: 0n },
    ]);
    expect(deliveredRows(payouts, 'p2').map((r) => r.delivered)).toEqual([0n, 0n, 0n]);
    expect(payoutNotice('p2', deliveredRows(payouts, 'p2')).kind).toBe('failed');
  });
});

test('plan, gap and balance notices say what to do', () => {
  expect(planReadyNotice({ planId: 'P600-1', fromBlock: 300, toBlock: 600, payments: 3, toSend: 9n * TAO, carried: 13n }).text).toBe(
    'ValTrac: plan P600-1 is ready (snapshots 300–600): 3 payment(s), 9.000000000 TAO to send, 0.000000013 TAO carried. Check Payouts, then run valtrac confirm.',
  );
  expect(snapshotGapNotice({ count: 12, fromBlock: 600, toBlock: 3900 }).text).toContain('12 snapshot(s) missing from block 600 to 3900');
  expect(balanceLowNotice({ address: '5F', free: TAO, needed: 2n * TAO, what: 'plan P1 sends' }).text).toBe(
    'ValTrac: the payout coldkey 5F has 1.000000000 TAO free, less than plan P1 sends (2.000000000 TAO). Top it up before confirm.',
  );
});
