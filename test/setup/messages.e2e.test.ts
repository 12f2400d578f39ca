import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers.js';
import { ok, setUpProgram, tearDown, type Setup } from '../payout/harness.js';

// Issue 20, point 6 (the small texts): what each line tells the owner to do next is what they can do where they are.

let setup: Setup | undefined;
afterAll(async () => tearDown(setup));

/** Runs `valtrac watch` with `env` added until its "watching" line, then stops it; resolves with that line. */
function watchLine(workbook: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, 'watch', '--workbook', workbook], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let line = '';
    child.stdout.on('data', (d) => {
      out += d;
      const found = out.split('\n').find((l) => l.includes('watching '));
      if (found && !line) {
        line = found;
        child.kill('SIGTERM');
      }
    });
    child.once('error', reject);
    child.once('close', () => (line ? resolve(line) : reject(new Error(`no watching line:\n${out}`))));
  });
}

describe('the next step each message names', { timeout: 300_000 }, () => {
  it('plan from the menu says the menu asks next; referrals add shows the tax as a percent; the watch line under pm2 names pm2', async () => {
    setup = await setUpProgram('messages', { ownerRootStake: 0n });
    const w = ['--workbook', setup.workbook];

    const fromMenu = await ok(['plan', ...w, '--pool', '1', '--from-menu']);
    expect(fromMenu.stdout).toContain(`Written to Payouts in ${setup.workbook}. Check it; the menu asks next whether to pay it.`);
    expect(fromMenu.stdout).not.toContain('run valtrac confirm');
    const typed = await ok(['plan', ...w, '--pool', '1']);
    expect(typed.stdout).toContain('Check it, then run valtrac fund (it moves what the payout coldkey lacks from your take) and valtrac confirm.');

    await ok(['users', 'add', ...w, 'erin', setup.keys.outsider]);
    expect((await ok(['referrals', 'add', ...w, 'dave', 'erin', '10'])).stdout).toContain('dave now refers erin at 10%');
    expect((await ok(['referrals', 'set-tax', ...w, 'dave', 'erin', '12.5%'])).stdout).toContain('Set the tax of dave → erin to 12.5%');

    const pm2 = await watchLine(setup.workbook, { pm_id: '0', PM2_HOME: path.join(setup.dir, 'pm2-home') });
    expect(pm2).toMatch(/\(npx pm2 stop valtrac-watch stops it\)$/);
    expect(pm2).not.toContain('Ctrl-C');
    // In a terminal (the test's own environment has no pm_id unless the suite itself runs under pm2).
    if (process.env.pm_id === undefined) expect(await watchLine(setup.workbook, {})).toMatch(/\(Ctrl-C stops\)$/);
  });
});
