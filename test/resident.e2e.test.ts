import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { socketPath } from '../src/resident/socket.js';
import { readPlanFile } from '../src/workbook/planFile.js';
import { CliProcess } from './cliProcess.js';
import { ok, setUpProgram, tearDown, valtrac, type Setup } from './payout/harness.js';

/** The CLI answered by the workbook's watcher (pm2's valtrac-watch), and doing the work itself when there is none. */
describe('plan, check and charts answered by the watcher', { timeout: 400_000 }, () => {
  let s: Setup;
  let watcher: CliProcess | null = null;

  beforeAll(async () => {
    s = await setUpProgram('resident');
  });
  afterAll(async () => {
    watcher?.kill('SIGTERM');
    await watcher?.exited;
    await tearDown(s);
  });

  const startWatcher = async () => {
    watcher = new CliProcess(['watch', '--workbook', s.workbook]);
    await watcher.waitFor(/answering plan, check and charts at /);
  };

  it('gives the plan the CLI works out alone, from a relative path in another folder, and keeps its node connection', async () => {
    const alone = await ok(['plan', '--workbook', s.workbook, '--pool', '10']);
    const planAlone = await readPlanFile(s.workbook);
    expect(alone.stdout).toMatch(/^Plan P\d+-[0-9a-f]{8}: /);

    await startWatcher();
    const counted = s.chain.rpcRequests;
    const first = await valtrac(['plan', '--workbook', 'valtrac.xlsx', '--pool', '10'], {}, s.dir);
    expect(first.code).toBe(0);
    await watcher!.waitFor(/answered "valtrac plan --workbook valtrac.xlsx --pool 10" \(exit 0/);
    const firstRequests = s.chain.rpcRequests - counted;
    expect(first.stdout).toContain(`Plan ${planAlone!.planId}:`);
    expect(await readPlanFile(s.workbook)).toEqual(planAlone);

    const before = s.chain.rpcRequests;
    const second = await valtrac(['plan', '--workbook', s.workbook, '--pool', '10']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`Plan ${planAlone!.planId}:`);
    // The second plan asks only for what changes (accounts, blocks), not for the runtime and its metadata again.
    expect(s.chain.rpcRequests - before).toBeLessThan(firstRequests);
  });

  it('relays a refusal with its exit code, and runs commands it does not answer (or for another workbook) itself', async () => {
    if (!watcher) await startWatcher();
    const refused = await valtrac(['plan', '--workbook', s.workbook, '--pool', 'lots']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^valtrac: --pool must be a TAO amount/);
    await watcher!.waitFor(/answered "valtrac plan .* --pool lots" \(exit 1/);

    const checked = await valtrac(['check', '--workbook', s.workbook]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/^No problems: 4 users, 2 referrals\./);
    await watcher!.waitFor(/answered "valtrac check/);

    // A snapshot leaves its charts to the watcher: written by it, a moment after the snapshot is done.
    const index = path.join(s.dir, 'charts', 'index.html');
    fs.rmSync(path.join(s.dir, 'charts'), { recursive: true, force: true });
    await s.chain.produceBlocks(300);
    await ok(['snapshot', '--once', '--workbook', s.workbook]);
    await watcher!.waitFor(new RegExp(`answered "valtrac charts --workbook ${s.workbook.replace(/[.]/g, '\\.')}" \\(exit 0`));
    expect(fs.existsSync(index)).toBe(true);

    const users = await valtrac(['users', 'add', '--workbook', s.workbook, 'erin', s.keys.outsider]);
    expect(users.code).toBe(0);
    expect(watcher!.text()).not.toMatch(/answered "valtrac users/);
  });

  it('without a live watcher (killed, its socket left behind) the CLI plans by itself', async () => {
    if (!watcher) await startWatcher();
    watcher!.kill('SIGKILL');
    await watcher!.exited;
    watcher = null;
    expect(fs.existsSync(socketPath(s.workbook))).toBe(true);
    const result = await valtrac(['plan', '--workbook', path.relative(process.cwd(), s.workbook), '--pool', '10']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Plan P\d+-[0-9a-f]{8}: /);
  });
});
