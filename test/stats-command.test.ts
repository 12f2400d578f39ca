import { execFile } from 'node:child_process';
import { mkdtemp, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, test } from 'vitest';
import { refreshCharts } from '../src/commands/charts.js';
import { WorkbookStore } from '../src/workbook/store.js';
import { CHART_NAMES } from './helpers/charts.js';
import { readSvg } from './helpers/svg.js';
import { seedWorkbook } from './fixtures/workbook.js';
import * as seed from './fixtures/seed.js';
import { readFile } from 'node:fs/promises';

const run = promisify(execFile);
const CLI = path.resolve(import.meta.dirname, '../dist/cli.js');
let workbook: string;

beforeAll(async () => {
  workbook = await seedWorkbook(await mkdtemp(path.join(os.tmpdir(), 'valtrac-stats-')));
});

const valtrac = (...args: string[]) => run(process.execPath, [CLI, ...args, '--workbook', workbook]);

describe('a seeded workbook through the store', () => {
  test('reads back what was seeded', async () => {
    const data = await new WorkbookStore(workbook).read();
    expect(data.users.map((u) => u.name)).toEqual(['alice', 'bob', 'carol']);
    expect(data.snapshots.map((s) => s.delegateStake)).toEqual(seed.snapshots.map((s) => s.delegateStake));
    expect(data.payouts.map((r) => [r.planId, r.status, r.amount])).toEqual(seed.payouts.map((r) => [r.planId, r.status, r.amount]));
  });

  test('refreshCharts renders every chart from the workbook and the records', async () => {
    const index = await refreshCharts(workbook);
    const dir = path.dirname(index);
    expect((await readdir(dir)).filter((f) => f.endsWith('.png')).sort()).toEqual(CHART_NAMES.map((n) => `${n}.png`).sort());
    const stakes = readSvg(await readFile(path.join(dir, 'user-stakes.svg'), 'utf8'));
    expect(stakes.count('symbol', 'mark')).toBe(24);
    // The shares chart shows the estimate of the current period (see test/domain/stats.test.ts for the numbers):
    // base 52.60 / 23.70 / 14.22 %, final = earned / 40,000,000 RAO = 54.97 / 28.44 / 7.11 %.
    const shares = readSvg(await readFile(path.join(dir, 'shares.svg'), 'utf8'));
    expect([...shares.texts('mark')].sort()).toEqual(['14.22', '23.70', '28.44', '52.60', '54.97', '7.11'].sort());
    expect(shares.texts('title-subtitle').join(' ')).toContain('estimate for blocks 1900–3100');
  });
});

describe('valtrac stats', () => {
  test('validator summary as text', async () => {
    const { stdout } = await valtrac('stats');
    expect(stdout).toMatch(/Total stake\s+214\.080000000 TAO/);
    expect(stdout).toMatch(/Take\s+18%/);
    expect(stdout).toMatch(/Users’ stake\s+194\.000000000 TAO \(90\.6542% of nominator stake\)/);
    expect(stdout).toMatch(/Pool accrued since last payout\s+0\.040000000 TAO \(blocks 1900–3100, 4 snapshots\)/);
    expect(stdout).toMatch(/Next snapshot block\s+3300/);
    // Only a paid plan is a payout (a planned one used to be listed as "Last payout").
    expect(stdout).toMatch(/Last payout\s+p1: blocks 1000–1900, paid, 0\.036000000 TAO to 3 users in block 2050/);
    expect(stdout).toMatch(/Open plan \(not paid yet\)\s+p2: blocks 2200–3100, planned, 0\.013500000 TAO to 3 users/);
    // the money in words: the owner's stake is not called the pool, and each figure says where it went
    expect(stdout).not.toMatch(/Delegate stake \(pool\)/);
    expect(stdout).toMatch(/Owner stake on the hotkey\s+0\.080000000 TAO/);
    expect(stdout).toMatch(/Of it, to registered users \(estimate\)\s+0\.036208104 TAO; 0\.003791896 TAO stays with the owner/);
    expect(stdout).toMatch(/Last payout in figures\s+pool 0\.040000000 TAO; allocated to registered users 0\.036000000 TAO; paid 0\.036000000 TAO; kept by the owner 0\.004000000 TAO/);
  });

  test('one user as JSON, amounts exact', async () => {
    const { stdout } = await valtrac('stats', 'Bob', '--json');
    const bob = JSON.parse(stdout);
    expect(bob.name).toBe('bob');
    expect(bob.currentStake).toBe('50000000000');
    expect(bob.estimate).toEqual({ basePpb: '236993442', taxPaid: '947973', taxReceived: '2843921', earned: '11375685' });
    expect(bob.referrer).toEqual({ name: 'alice', taxPpm: '100000' });
    expect(bob.referees).toEqual([{ name: 'carol', taxPpm: '500000' }]);
    expect(bob.history.map((h: { amount: string }) => h.amount)).toEqual(['10800000', '4500000']);
    // 4 hours of history: not annualised
    expect(bob.aprInclReferrals).toBeNull();
  });

  test('one user as text', async () => {
    const { stdout } = await valtrac('stats', 'alice');
    expect(stdout).toContain(`${seed.ADDR.alice}  68.400000000 TAO`);
    expect(stdout).toMatch(/Referees\s+bob \(10%\)/);
    expect(stdout).toMatch(/Estimated payout \(this period\)\s+0\.021988498 TAO/);
    expect(stdout).toMatch(/p1\s+blocks 1000–1900\s+paid\s+0\.025200000 TAO\s+0xabc/);
    expect(stdout).toMatch(/Return incl\. referral income\s+not enough history yet \(a return is annualised over at least 7 days\)/);
  });

  test('an unknown user is a clear error naming the argument, no stack', async () => {
    const error = await valtrac('stats', 'mallory').catch((e) => e);
    expect(error.code).toBe(1);
    expect(error.stderr.trim()).toBe('valtrac: USER argument: there is no user "mallory" in the Users sheet (users: alice, bob, carol).');
  });
});
