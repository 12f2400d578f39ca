import { configDefaults, defineConfig } from 'vitest/config';

// The LibreOffice test drives a real editor and a watcher against each other, so it runs first and alone (its
// latency line is least disturbed there); everything else (chain, real runtimes, CLI and browser end-to-end tests)
// runs after it, two files at a time on two cores.
const editorTest = 'test/libreoffice-watch.test.ts';

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
          exclude: [...configDefaults.exclude, editorTest],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
