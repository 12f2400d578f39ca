import { describe, expect, it } from 'vitest';
import { healthChecks, openPlan, snapshotGaps, type StatusFacts } from '../../src/domain/health.js';
import type { SetupEstimate } from '../../src/domain/validatorSetup.js';
import * as seed from '../fixtures/seed.js';

describe('openPlan', () => {
  it('is the newest plan with rows still to send: p2 (planned), not the paid p1', () => {
    // p2: alice 7.875 + bob 4.5 + carol 1.125 mTAO, blocks 2200–3100
    expect(openPlan(seed.payouts)).toEqual({ planId: 'p2', fromBlock: 2200, toBlock: 3100, payments: 3, toSend: 13_500_000n, sent: 0, carried: 0 });
    expect(openPlan(seed.payouts.filter((r) => r.planId === 'p1'))).toBeNull();
  });
});

describe('snapshotGaps', () => {
  it.each([
    [[300, 600, 900], 300, []],
    [[300, 600, 1500, 1800], 300, [{ after: 600, before: 1500, missing: 2 }]],
    // an off-grid snapshot (--once, or the first one at start-up) is not a gap
    [[123, 300, 600], 300, []],
    [[100, 1000], 300, [{ after: 100, before: 1000, missing: 2 }]],
  ])('%j every %i', (blocks, interval, gaps) => {
    expect(snapshotGaps(blocks, interval)).toEqual(gaps);
  });
});

const facts = (over: Partial<StatusFacts> = {}): StatusFacts => ({
  workbook: 'w.xlsx',
  processes: [
    { name: 'valtrac-watch', status: 'online', restarts: 0, lastError: null },
    { name: 'valtrac-snapshot', status: 'online', restarts: 0, lastError: null },
  ],
  node: { url: 'ws://127.0.0.1:9944', name: 'local', place: 'Settings!B4 (Network)', ok: true, runtime: 'node-subtensor spec 300', finalized: 1000 },
  missing: [],
  interval: 300,
  intervalPlace: 'Settings!B5 (Snapshot interval (blocks))',
  records: [300, 600, 900],
  lastSnapshotTime: null,
  problems: [],
  journal: { pending: 0, editorLocks: [] },
  plan: null,
  accrued: 2_000_000_000n,
  payer: { address: '5Payer', place: 'Settings!B6 (Payout coldkey)', free: 10_000_000_000n, existentialDeposit: 500n },
  setup: null,
  ...over,
});

describe('healthChecks', () => {
  it('all well: every check ok', () => {
    expect(healthChecks(facts()).map((c) => c.level)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 'ok']);
  });

  it('turns each fact into a check with its fix', () => {
    const checks = healthChecks(
      facts({
        processes: [
          { name: 'valtrac-watch', status: 'online', restarts: 0, lastError: null },
          { name: 'valtrac-snapshot', status: 'errored', restarts: 15, lastError: 'valtrac: cannot reach the subtensor node' },
        ],
        records: [300, 1200],
        node: { url: 'ws://127.0.0.1:9944', name: 'local', place: 'Settings!B4 (Network)', ok: true, runtime: 'x', finalized: 2000 },
        payer: { address: '5Payer', place: 'Settings!B6 (Payout coldkey)', free: 1_000_000_000n, existentialDeposit: 500n },
      }),
    );
    const byText = (text: string) => checks.find((c) => c.finding.includes(text))!;
    expect(byText('valtrac-snapshot')).toEqual({
      level: 'fail',
      finding: 'valtrac-snapshot is errored after 15 restart(s); its last error: valtrac: cannot reach the subtensor node.',
      fix: 'Read npx pm2 logs valtrac-snapshot, fix what it says, then npm start.',
    });
    // 2000 - 1200 = 800 blocks behind, more than two intervals
    expect(byText('The last snapshot is block 1200')).toMatchObject({ level: 'fail' });
    expect(byText('missing in 1 gap(s)')).toMatchObject({ level: 'warn', finding: '2 snapshot(s) are missing in 1 gap(s), e.g. between blocks 300 and 1200.', fix: expect.stringContaining('--network archive') });
    // 1 TAO free against the 2 TAO accrued plus the existential deposit
    expect(byText('The payout coldkey 5Payer has 1.000000000 TAO free')).toMatchObject({ level: 'fail', fix: "valtrac fund moves what is missing from the owner's take (or send TAO to 5Payer (Settings!B6 (Payout coldkey))) before confirm." });
  });
});

describe('doctor fails where plan or confirm would refuse', () => {
  const setup = (over: Partial<SetupEstimate>): SetupEstimate => ({
    fromBlock: 300, toBlock: 600, takePpm: 180_000n, ownerStake: 0n, takeAccrued: 0n, accrued: 0n, unexplained: 0n, notTake: 0n,
    verdict: 'ok', reason: null, ...over,
  });

  it('the owner holds stake of their own (plan --pool accrued refuses): a failed check with the fix', () => {
    // The case of issue 20: the owner's stake grew ~100 TAO beyond what the take explains.
    const own = setup({ verdict: 'own-stake', ownerStake: 101_000_000_000n, takeAccrued: 500_000_000n, accrued: 100_500_000_000n, unexplained: 100_500_000_000n, notTake: 100_000_000_000n });
    const check = healthChecks(facts({ setup: own })).find((c) => c.finding.startsWith('validator setup'))!;
    expect(check.level).toBe('fail');
    expect(check.fix).toMatch(/^move the owner's own stake to a separate coldkey/);
  });

  it('one snapshot in the period: the check is shown, "cannot tell yet", to look at', () => {
    const one = setup({ fromBlock: 600, toBlock: 600, verdict: 'unknown', reason: 'needs a second snapshot' });
    expect(healthChecks(facts({ setup: one })).find((c) => c.finding.startsWith('validator setup'))).toEqual({
      level: 'warn',
      finding: "validator setup: cannot tell yet: needs a second snapshot (block 600 is the period's only one).",
    });
  });

  it('an empty setting that plan or confirm needs fails', () => {
    const missing = [{ place: 'Settings!B3 (Validator hotkey)', neededBy: 'snapshot (and so plan)', command: 'valtrac settings set hotkey 5F...' }];
    expect(healthChecks(facts({ missing }))[0]).toMatchObject({ level: 'fail', finding: 'Settings!B3 (Validator hotkey) is empty; snapshot (and so plan) needs it.' });
  });
});
