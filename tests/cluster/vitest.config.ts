// The cluster suite on its own: `npx vitest run --config tests/cluster/vitest.config.ts`. The
// root vitest.config.ts leaves these files out: they need the real cluster this setup builds.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/cluster/**/*.test.ts'],
    globalSetup: ['tests/cluster/global-setup.ts'],
    // One cluster and one release: the files run one after another.
    fileParallelism: false,
    testTimeout: 10 * 60_000,
    hookTimeout: 30 * 60_000,
    // Image builds and the cluster start-up can take most of an hour on a cold machine.
    teardownTimeout: 15 * 60_000,
  },
});
