/**
 * `status` and `doctor` count a pm2 process as this workbook's only when it serves this workbook (its --workbook, from
 * its working folder): another project's valtrac-watch on the same machine is named as serving that other workbook,
 * and doctor fails saying nothing checks this one's saves. Real pm2 with its own PM2_HOME and a real watcher; the
 * report and the checks are status's and doctor's own functions, given what pm2 answered.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { statusReport } from '../../src/commands/status.js';
import { healthChecks, type StatusFacts } from '../../src/domain/health.js';
import { CLI, REPO, tempDir, valtrac } from './helpers.js';

const home = tempDir();
const env = { HOME: home, PM2_HOME: path.join(home, '.pm2') };
const pm2 = (...args: string[]) =>
  spawnSync(process.execPath, [path.join(REPO, 'node_modules/pm2/bin/pm2'), ...args], { env: { PATH: process.env.PATH, ...env }, encoding: 'utf8', timeout: 60_000 });

afterAll(() => {
  pm2('kill');
  fs.rmSync(home, { recursive: true, force: true });
});

const facts = (processes: StatusFacts['processes']): StatusFacts => ({
  workbook: 'mine/valtrac.xlsx',
  processes,
  node: { url: 'ws://127.0.0.1:9944', name: 'local', place: 'Settings!B4 (Network)', ok: true, runtime: 'node-subtensor spec 300', finalized: 1000 },
  missing: [],
  interval: 300,
  intervalPlace: 'Settings!B5',
  records: [],
  lastSnapshotTime: null,
  problems: [],
  journal: { pending: 0, editorLocks: [] },
  plan: null,
  accrued: null,
  payer: null,
  setup: null,
}) as unknown as StatusFacts;

describe('pm2 processes of another workbook', { timeout: 180_000 }, () => {
  it('are not this workbook\'s: status says not started for it and names the one served, doctor fails; the served one is online', async () => {
    const mine = path.join(home, 'mine');
    const other = path.join(home, 'other');
    for (const dir of [mine, other]) {
      fs.mkdirSync(dir);
      const r = await valtrac(['init', '--workbook', path.join(dir, 'valtrac.xlsx')], { cwd: dir, env });
      expect(r.code, r.stderr).toBe(0);
    }
    const started = pm2('start', CLI, '--name', 'valtrac-watch', '--cwd', other, '--', 'watch', '--workbook', 'valtrac.xlsx');
    expect(started.status, started.stderr).toBe(0);

    process.env.PM2_HOME = env.PM2_HOME;
    const { processStates, withPm2, WATCHER, SNAPSHOTTER } = await import('../../src/util/pm2.js');
    const ask = (workbook: string) => withPm2((client) => processStates(client, [WATCHER, SNAPSHOTTER], workbook));
    const forMine = await ask(path.join(mine, 'valtrac.xlsx'));
    expect(forMine.map((p) => [p.name, p.status, p.elsewhere])).toEqual([
      ['valtrac-watch', null, [path.join(other, 'valtrac.xlsx')]],
      ['valtrac-snapshot', null, []],
    ]);
    const forOther = await ask(path.join(other, 'valtrac.xlsx'));
    expect(forOther[0]!.status).toMatch(/online|launching/);

    const shown = forMine.map((p) => ({ name: p.name, status: p.status, restarts: p.restarts, lastError: null, elsewhere: p.elsewhere }));
    expect(statusReport(facts(shown))).toContain(`valtrac-watch not started for this workbook (the one pm2 runs serves ${path.join(other, 'valtrac.xlsx')})`);
    const watchCheck = healthChecks(facts(shown)).find((c) => c.finding.startsWith('valtrac-watch'))!;
    expect(watchCheck.level).toBe('fail');
    expect(watchCheck.finding).toMatch(/valtrac-watch runs for .*other\/valtrac\.xlsx, not for this workbook \(mine\/valtrac\.xlsx\): nothing checks its saves/);
  });
});
