import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { setupEstimate, statusReport } from '../../src/commands/status.js';
import { healthChecks, type StatusFacts } from '../../src/domain/health.js';
import { writeRecord } from '../../src/workbook/records.js';
import { tempDir } from '../helpers.js';

// Issue 20, point 3: status and doctor show the validator-setup check from the period's first snapshot on (before,
// they left it out until the period had two, which is when the README says the owner looks at it).

const dir = tempDir('status-setup');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const TAO = 1_000_000_000n;

describe('the validator-setup check with one snapshot recorded', () => {
  it('status and doctor say "cannot tell yet: needs a second snapshot"', async () => {
    await writeRecord(dir, {
      block: 600,
      blockHash: '0x0600',
      time: new Date('2026-12-01T00:00:00Z'),
      hotkey: '5Hotkey',
      owner: '5Owner',
      takePpm: 180_000n,
      era: 'dynamic',
      totalStake: 150n * TAO,
      delegateStake: 100n * TAO,
      nominators: [{ coldkey: '5Alice', stake: 50n * TAO, subnets: [{ netuid: 0, alpha: 50n * TAO, tao: 50n * TAO }] }],
      delegateSubnets: [{ netuid: 0, alpha: 100n * TAO, tao: 100n * TAO }],
    });
    const setup = await setupEstimate(dir, [600], null);
    expect(setup).toMatchObject({ verdict: 'unknown', fromBlock: 600, toBlock: 600 });

    const facts: StatusFacts = {
      workbook: 'w.xlsx',
      processes: null,
      node: { url: 'ws://127.0.0.1:9944', name: 'local', place: 'Settings!B4 (Network)', ok: false, error: 'not asked' },
      missing: [],
      interval: 300,
      intervalPlace: 'Settings!B5',
      records: [600],
      lastSnapshotTime: null,
      problems: [],
      journal: { pending: 0, editorLocks: [] },
      plan: null,
      accrued: 0n,
      payer: null,
      setup,
    };
    expect(statusReport(facts)).toMatch(/\n {2}Setup +cannot tell yet: needs a second snapshot \(block 600 is the period's only one\)\./);
    expect(healthChecks(facts)).toContainEqual({ level: 'warn', finding: "validator setup: cannot tell yet: needs a second snapshot (block 600 is the period's only one)." });
  });
});
