import { defineConfig } from 'vitest/config';

// Which project a test file belongs to follows from what it needs to run (docs/testing.md).
// A file matched by none of the lists below is a unit test: new tests land in the fast, parallel
// project unless they are placed with the services or tools they need.
const integration = [
  'tests/integration/**/*.test.ts',
  // schemathesis against the service process, on SQLite and MariaDB.
  'tests/fuzz/**/*.test.ts',
  // The CLI against fake kubectl/helm child processes and the service process itself.
  'tests/cli/deploy.test.ts',
  'tests/cli/doctor.test.ts',
  'tests/cli/entrypoint.test.ts',
  'tests/cli/status.test.ts',
  'tests/observability/logging-service.test.ts',
  'tests/observability/tracing.test.ts',
];
const e2e = ['tests/e2e/**/*.test.ts'];
const deploy = [
  'tests/deploy/**/*.test.ts',
  'tests/observability/deploy-values.test.ts',
  'tests/observability/live-prometheus.test.ts',
  'tests/observability/mysqld-exporter.test.ts',
  'tests/observability/rules.test.ts',
];
// The cluster suite needs one real Kubernetes for all its files (its global setup builds and
// tears it down): `npm run test:cluster`, with its own config, tests/cluster/vitest.config.ts.
const cluster = ['tests/cluster/**'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts', 'web/src/**/*.test.ts', 'tests/**/*.test.ts'],
          exclude: ['**/node_modules/**', ...integration, ...e2e, ...deploy, ...cluster],
          sequence: { groupOrder: 0 },
        },
      },
      // The projects below share one MariaDB, ports, real tools (helm, podman, chromium) and the
      // two cores: each runs its files one at a time, and the projects run one after another.
      {
        extends: true,
        test: {
          name: 'integration',
          include: integration,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
      {
        extends: true,
        test: { name: 'e2e', include: e2e, fileParallelism: false, sequence: { groupOrder: 2 } },
      },
      {
        extends: true,
        test: {
          name: 'deploy',
          include: deploy,
          fileParallelism: false,
          sequence: { groupOrder: 3 },
        },
      },
    ],
  },
});
