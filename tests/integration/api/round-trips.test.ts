// What a warm request costs the database, counted from every query the driver runs (the change
// feed's own polls aside): the list is one round trip, a task read is one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, PASSWORD, createTestApp } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { eventually } from '../../support/process.js';
import { testDatabases } from '../../support/databases.js';

const API = '/api/v1';

describe.each(testDatabases)('round trips on $name', (target) => {
  let t: TestApp | undefined;
  const queries: string[] = [];

  beforeAll(async () => {
    if (target.skipReason) return;
    t = await createTestApp(
      target,
      {},
      {
        log: (event) => {
          if (event.level === 'query' && !/\bchanges\b/.test(event.query.sql))
            queries.push(event.query.sql);
        },
      },
    );
  });
  afterAll(async () => t?.close());

  /** Queries run by `fn` alone. */
  async function count(fn: () => Promise<unknown>): Promise<string[]> {
    queries.length = 0;
    await fn();
    return [...queries];
  }

  it.skipIf(target.skipReason)(
    'a warm list with an API token is one query, labels included; a read of a task is one',
    async () => {
      const owner = await new Client(t!.app).register('Owner');
      const project = await owner.request('POST', `${API}/projects`, { name: 'Trips' });
      const label = await owner.request('POST', `${API}/projects/${project.body.id}/labels`, {
        name: 'urgent',
        color: '#ff0000',
      });
      const task = await owner.request('POST', `${API}/projects/${project.body.id}/tasks`, {
        title: 'Labelled',
        labels: [label.body.id],
      });
      expect(task.status).toBe(201);
      const token = await owner.request('POST', `${API}/tokens`, {
        name: 'script',
        currentPassword: PASSWORD,
      });
      const script = new Client(t!.app);
      script.bearer = token.body.token as string;
      // The feed must have polled once before the cache is trusted.
      await eventually(async () => {
        if (!t!.app.changes.caughtUpWithin(1_500)) throw new Error('feed not started');
      }, 10_000);
      const list = () => script.request('GET', `${API}/projects/${project.body.id}/tasks`);
      expect((await list()).status).toBe(200); // resolves and caches the token
      let reply: Awaited<ReturnType<typeof list>> | undefined;
      const listQueries = await count(async () => (reply = await list()));
      expect(reply!.status).toBe(200);
      expect(reply!.body.items[0].labels.map((l: { name: string }) => l.name)).toEqual(['urgent']);
      expect(listQueries).toHaveLength(1);

      const getQueries = await count(async () => {
        const got = await script.request('GET', `${API}/tasks/${task.body.id}`);
        expect(got.status).toBe(200);
        expect(got.body.labels).toHaveLength(1);
      });
      expect(getQueries).toHaveLength(1);
    },
  );

  it.skipIf(target.skipReason)(
    'an empty page costs a second query only to tell a stranger (404) from an empty project',
    async () => {
      const owner = await new Client(t!.app).register('Owner');
      const stranger = await new Client(t!.app).register('Stranger');
      const project = await owner.request('POST', `${API}/projects`, { name: 'Empty' });
      const path = `${API}/projects/${project.body.id}/tasks`;
      expect((await owner.request('GET', path)).body.items).toEqual([]);
      expect((await stranger.request('GET', path)).status).toBe(404);
    },
  );
});
