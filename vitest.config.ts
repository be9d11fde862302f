import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    // The cluster suite needs its global setup (one real cluster): tests/cluster/vitest.config.ts.
    exclude: ['**/node_modules/**', 'tests/cluster/**'],
    // Integration suites share one MariaDB and real tools (helm, podman, chromium): run files one
    // at a time so that two suites never fight over a port, a database or the two cores.
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
});
