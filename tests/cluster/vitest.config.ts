// The cluster suite on its own: `npx vitest run --config tests/cluster/vitest.config.ts`. The
// root vitest.config.ts leaves these files out: they need the real cluster this setup builds.
import { defineConfig } from 'vitest/config';
import { BaseSequencer } from 'vitest/node';
import type { TestSpecification } from 'vitest/node';

// One release is shared, and deploy.test.ts checks it as the README install leaves it (one pod,
// the first image): it must run first, the files that scale, upgrade or break it after. Vitest's
// default order (by earlier durations) put it last in CI.
const ORDER = ['deploy', 'ansible', 'policies', 'backup', 'doctor', 'resilience', 'hpa', 'upgrade'];
class FixedOrder extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const rank = (f: TestSpecification) => {
      const i = ORDER.findIndex((name) => f.moduleId.endsWith(`/${name}.test.ts`));
      return i === -1 ? ORDER.length : i;
    };
    return Promise.resolve([...files].sort((a, b) => rank(a) - rank(b)));
  }
}

export default defineConfig({
  test: {
    root: new URL('../..', import.meta.url).pathname,
    include: ['tests/cluster/**/*.test.ts'],
    globalSetup: ['tests/cluster/global-setup.ts'],
    // One cluster and one release: the files run one after another, in ORDER.
    fileParallelism: false,
    sequence: { sequencer: FixedOrder },
    testTimeout: 10 * 60_000,
    hookTimeout: 30 * 60_000,
    // Image builds and the cluster start-up can take most of an hour on a cold machine.
    teardownTimeout: 15 * 60_000,
  },
});
