import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';
import { defaultPm2Home, privatePm2 } from './helpers/pm2.js';

// Issue 20, point 4: `npm test` once stopped the owner's running ValTrac. test/start.e2e.test.ts set its PM2_HOME only
// after its test chain started; when that start threw, afterAll ran `pm2 kill` against the default ~/.pm2.

const run = promisify(execFile);
const dir = tempDir('pm2-home');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("the suite's pm2 helper", () => {
  it('refuses to run without a PM2_HOME, and refuses the default one', () => {
    expect(() => privatePm2(undefined)).toThrow(/no PM2_HOME given/);
    expect(() => privatePm2('')).toThrow(/no PM2_HOME given/);
    expect(() => privatePm2(defaultPm2Home())).toThrow(/is the default PM2_HOME/);
  });

  it("start.e2e.test.ts whose test chain fails to start: its afterAll's pm2 kill does not reach the default PM2_HOME", async () => {
    // The owner's machine as pm2 would see it: HOME, whose .pm2 a pm2 without PM2_HOME uses. The test chain cannot
    // start (no metadata where VALTRAC_SHARED points; CI=true, so the file runs and fails rather than being skipped).
    const home = path.join(dir, 'owner');
    const empty = path.join(dir, 'no-shared');
    fs.mkdirSync(home);
    fs.mkdirSync(empty);
    const { PM2_HOME: _, VALTRAC_SKIP_NOTED: __, ...env } = process.env;
    const result = await run(process.execPath, [path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'run', 'test/start.e2e.test.ts'], {
      cwd: repoRoot,
      env: { ...env, HOME: home, CI: 'true', VALTRAC_SHARED: empty },
    }).then(() => null, (error: { stdout: string; stderr: string }) => error);
    expect(result, 'start.e2e.test.ts should have failed').not.toBeNull();
    expect(`${result!.stdout}${result!.stderr}`).toContain('metadata file');
    expect(fs.existsSync(defaultPm2Home(home))).toBe(false);
  }, 120_000);
});
