import { configDefaults, defineConfig } from 'vitest/config';
import { missingSharedFiles, sharedDir, sharedSkip, testsNeedingShared } from './test/support/sharedFiles.js';

// The LibreOffice test drives a real editor and a watcher against each other, so it runs first and alone (its
// latency line is least disturbed there); everything else (chain, real runtimes, CLI and browser end-to-end tests)
// runs after it, two files at a time on two cores.
const editorTest = 'test/libreoffice-watch.test.ts';

// A fresh clone has no ../shared/subtensor: the tests that read it are left out, with one line saying how to get it
// (under CI=true they run, and fail, as before).
const shared = sharedDir();
const missing = missingSharedFiles(shared);
const skip = sharedSkip(missing, shared, missing.length ? testsNeedingShared() : []);
// vitest evaluates this file once per project (and its workers inherit the environment): the line is printed once.
if (skip.note && !process.env.VALTRAC_SKIP_NOTED) {
  process.env.VALTRAC_SKIP_NOTED = '1';
  console.log(skip.note);
}

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    maxWorkers: 2,
    projects: [
      { extends: true, test: { name: 'editor', include: [editorTest], sequence: { groupOrder: 0 } } },
      {
        extends: true,
        test: {
          name: 'suite',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, editorTest, ...skip.exclude],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
