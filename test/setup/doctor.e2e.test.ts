import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readPlanFile } from '../../src/workbook/planFile.js';
import { editorLockPaths } from '../../src/workbook/editorLock.js';
import { ok, setUpProgram, tearDown, valtrac, type Setup } from '../payout/harness.js';

// Issue 12, case 7 (the validator setup, checked) and the status / doctor screens, against the test chain: emission
// of 0.01 TAO a block, 18 % of it to the owner as take (17.9995 % as the runtime stores it), two snapshots 300
// blocks apart.

const setups: Setup[] = [];
afterAll(async () => {
  for (const s of setups) await tearDown(s);
});

/** No pm2 daemon for these runs: a private, empty PM2_HOME. */
const noPm2 = (s: Setup) => ({ PM2_HOME: path.join(s.dir, 'pm2-home') });

describe('the validator setup guard', { timeout: 600_000 }, () => {
  it('an owner with 100 TAO of their own on the hotkey: doctor fails (exit 1), plan --pool accrued refuses and writes nothing', async () => {
    const s = await setUpProgram('guard-own');
    setups.push(s);
    const w = ['--workbook', s.workbook];

    const doctor = await valtrac(['doctor', ...w], noPm2(s));
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/FAIL {2}validator setup: the owner holds stake of their own on the hotkey: the owner coldkey has 10\d\.\d{9} TAO on the hotkey; the take \(17\.9995%\) can have added at most about 0\.\d{9} TAO over blocks \d+–\d+/);
    expect(doctor.stdout).toMatch(/Fix: move the owner's own stake to a separate coldkey \(README, "Validator setup"\)/);

    const plan = await valtrac(['plan', ...w], noPm2(s));
    expect(plan.code).toBe(1);
    expect(plan.stderr).toMatch(/valtrac: plan --pool accrued refused, nothing was written:\nvalidator setup: the owner holds stake of their own/);
    expect(plan.stderr).toMatch(/about \d+\.\d{9} TAO is not the take \(the rewards of that stake, or stake added\), and plan --pool accrued would pay it to the users/);
    expect(plan.stderr).toContain('valtrac plan --pool accrued --include-owner-rewards');
    expect(await readPlanFile(s.workbook)).toBeNull();
    expect((await s.store.read()).payouts).toEqual([]);

    const anyway = await ok(['plan', ...w, '--include-owner-rewards']);
    expect(anyway.stdout).toContain('validator setup: the owner holds stake of their own');
    expect((await readPlanFile(s.workbook))?.rows.length).toBeGreaterThan(0);
  });

  it('an owner holding only the take (the setup done): doctor says ok, plan --pool accrued plans it', async () => {
    const s = await setUpProgram('guard-done', { ownerRootStake: 0n });
    setups.push(s);
    const w = ['--workbook', s.workbook];
    const doctor = await valtrac(['doctor', ...w], noPm2(s));
    expect(doctor.stdout).toMatch(/ok {4}validator setup: ok: the owner coldkey has 1\.\d{9} TAO on the hotkey; the take \(17\.9995%\) can have added at most about 0\.5\d{8} TAO/);
    const plan = await ok(['plan', ...w]);
    expect(plan.stdout).toMatch(/Pool 0\.5\d{8} TAO \(accrued;/);
    expect(plan.stdout).toContain('validator setup: ok:');
  });
});

describe('status and doctor', { timeout: 600_000 }, () => {
  it('one screen: processes, node, snapshots, problems, journal with the editor lock, the open plan and the payout balance', async () => {
    const s = setups[1]!;
    const w = ['--workbook', s.workbook];
    const status = await ok(['status', ...w], noPm2(s));
    const line = (name: string) => status.stdout.split('\n').find((l) => l.trimStart().startsWith(name)) ?? '';
    expect(line('Processes')).toContain('pm2 is not running (npm start starts the watcher and the snapshotter)');
    expect(line('Node')).toMatch(new RegExp(`${s.chain.url.replace(/\./g, '\\.')} \\(Settings!B4 \\(Network\\)\\): \\S+ spec \\d+, finalized block \\d+`));
    expect(line('Snapshots')).toMatch(/2 recorded, the last at block \d+ \(\d{4}-.*\), the next at block \d+ \(every 300\); no gaps/);
    expect(line('Problems')).toContain('none');
    expect(line('Journal')).toContain('empty');
    expect(line('Plan')).toMatch(/P\d+-[0-9a-f]{8} \(blocks \d+–\d+\): 3 payment\(s\), 0\.\d{9} TAO to send, 1 carried/);
    expect(line('Payout key')).toMatch(new RegExp(`${s.keys.payer}: 1000\\.000000000 TAO free; the open plan sends 0\\.\\d{9} TAO`));
    expect(line('Setup')).toMatch(/^ *Setup +ok: the owner coldkey has/);

    // An edit made while the workbook is open in an editor waits in the journal; status and doctor say why.
    const lock = editorLockPaths(s.workbook)[0]!;
    fs.writeFileSync(lock, 'someone,host,1;');
    try {
      await ok(['users', 'add', ...w, 'erin', s.keys.outsider]);
      const busy = await ok(['status', ...w], noPm2(s));
      expect(busy.stdout).toMatch(new RegExp(`Journal +1 change\\(s\\) waiting: the workbook is open in an editor \\(${lock.replace(/[.#~]/g, '\\$&')}\\)`));
      const doctor = await valtrac(['doctor', ...w], noPm2(s));
      expect(doctor.code).toBe(1); // pm2 is not running
      expect(doctor.stdout).toContain('WARN  1 change(s) wait in the journal: the workbook is open in an editor');
      expect(doctor.stdout).toContain('Fix: Close the workbook in Excel/LibreOffice; if no editor runs, delete that lock file.');
      expect(doctor.stdout).toContain('FAIL  pm2 is not running, so nothing records snapshots or checks saves.\n      Fix: npm start');
      expect(doctor.stdout).toMatch(/WARN {2}Plan P\d+-[0-9a-f]{8} \(blocks \d+–\d+\) waits: 3 payment\(s\)/);
      expect(doctor.stdout).toMatch(/ok {4}The payout coldkey has 1000\.000000000 TAO free; plan P\d+-[0-9a-f]{8} sends/);
    } finally {
      fs.rmSync(lock);
    }
  });
});
