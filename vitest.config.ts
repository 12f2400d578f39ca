import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // End-to-end tests spawn LibreOffice, a test chain and the CLI: two cores, so keep files in two workers.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
