import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, tempDir } from './helpers.js';
import { missingSharedFiles, SHARED_FILES, sharedSkip, testsNeedingShared } from './support/sharedFiles.js';

// Issue 20, point 5: `npm test` on a fresh clone without ../shared/subtensor failed 24 of 73 files. Now every test that
// can run runs, the rest are skipped with one line saying how to get the files, and under CI=true they fail as before.

const run = promisify(execFile);
const empty = tempDir('no-shared');
afterAll(() => fs.rmSync(empty, { recursive: true, force: true }));

describe('which tests need the shared subtensor files', () => {
  it('the real-runtime and test-chain tests (through any helper), not the pure ones', () => {
    const needing = testsNeedingShared();
    for (const f of ['test/runtime/payout300.e2e.test.ts', 'test/chain/node.test.ts', 'test/payout/confirm.e2e.test.ts', 'test/setup/doctor.e2e.test.ts']) {
      expect(needing).toContain(f);
    }
    for (const f of ['test/domain/payout.test.ts', 'test/sharedSkip.test.ts', 'test/workbook/store.test.ts', 'test/menu.test.ts']) expect(needing).not.toContain(f);
  });

  it('skips them with one line when files are missing; under CI=true, or with every file there, skips nothing', () => {
    const missing = missingSharedFiles(empty);
    expect(missing).toEqual(SHARED_FILES);
    const skip = sharedSkip(missing, empty, ['test/a.test.ts'], {});
    expect(skip.exclude).toEqual(['test/a.test.ts']);
    expect(skip.note).toBe(
      `Skipped 1 test files (real runtimes and metadata): 8 of the files they read are missing in ${path.join(empty, 'subtensor')}; ` +
        'get them with node scripts/fetch-runtimes.mjs PATH-TO-A-SUBTENSOR-CHECKOUT (docs/tests.md).',
    );
    expect(sharedSkip(missing, empty, ['test/a.test.ts'], { CI: 'true' })).toEqual({ exclude: [], note: null });
    expect(sharedSkip([], empty, ['test/a.test.ts'], {})).toEqual({ exclude: [], note: null });
  });

  it('vitest itself, pointed at an empty shared folder: one line, the pure tests listed, the runtime tests not; CI=true lists them', async () => {
    const { VALTRAC_SKIP_NOTED: _, CI: __, ...env } = process.env;
    const list = async (extra: NodeJS.ProcessEnv) =>
      (await run(process.execPath, [path.join(repoRoot, 'node_modules', 'vitest', 'vitest.mjs'), 'list', '--filesOnly'], { cwd: repoRoot, env: { ...env, VALTRAC_SHARED: empty, ...extra } })).stdout;
    const fresh = await list({});
    expect(fresh.split('\n').filter((l) => l.startsWith('Skipped '))).toHaveLength(1);
    expect(fresh).toContain('test/domain/payout.test.ts');
    expect(fresh).not.toContain('test/runtime/payout300.e2e.test.ts');
    expect(await list({ CI: 'true' })).toContain('test/runtime/payout300.e2e.test.ts');
  }, 60_000);
});
