// The whole contract walked over real HTTP against the real process, as a client would.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runContractSmoke } from '../../../scripts/contract-walk.js';
import { testDatabases } from '../../support/databases.js';
import { eventually, status } from '../../support/process.js';
import { startService } from '../../support/service.js';
import type { Service } from '../../support/service.js';

let running: Service | undefined;
afterEach(async () => {
  if (running && running.child.exitCode === null) {
    running.child.kill('SIGTERM');
    await running.exited;
  }
});

describe.each(testDatabases)('the API contract over HTTP on $name', (target) => {
  it.skipIf(target.skipReason)('holds from sign-up to logout', async () => {
    const created =
      target.name === 'sqlite'
        ? {
            url: `sqlite:${path.join(mkdtempSync(path.join(os.tmpdir(), 'tm-http-')), 'app.db')}`,
            drop: async () => {},
          }
        : await target.create();
    try {
      running = await startService({
        env: { DATABASE_URL: created.url, MIGRATE_ON_START: 'true', LOG_LEVEL: 'warn' },
        waitUntilReady: false,
      });
      await eventually(
        async () => expect(await status(`${running!.url}/readyz`)).toBe(200),
        30_000,
      );
      const steps: string[] = [];
      await runContractSmoke(running.url, (line) => steps.push(line));
      expect(steps).toHaveLength(8);
    } finally {
      if (running && running.child.exitCode === null) {
        running.child.kill('SIGTERM');
        expect(await running.exited).toBe(0);
      }
      await created.drop();
    }
  });
});
