import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, createTestApp } from '../../support/app.js';
import type { TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';

describe.each(testDatabases)('a first journey on $name', (target) => {
  let t: TestApp;
  beforeAll(async () => {
    if (!target.skipReason) t = await createTestApp(target);
  });
  afterAll(async () => t?.close());

  it.skipIf(target.skipReason)('registers, creates a project and a task, lists it', async () => {
    const ann = await new Client(t.app).register('Ann');
    const project = await ann.request('POST', '/api/v1/projects', { name: 'Launch' });
    expect(project.status).toBe(201);
    const task = await ann.request('POST', `/api/v1/projects/${project.body.id}/tasks`, {
      title: 'Write the press release',
      priority: 'high',
      dueAt: '2030-01-02T03:04:05.000Z',
    });
    expect(task.status).toBe(201);
    expect(task.body).toMatchObject({
      title: 'Write the press release',
      status: 'todo',
      priority: 'high',
      version: 1,
    });
    const list = await ann.request('GET', `/api/v1/projects/${project.body.id}/tasks`);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([task.body.id]);
    expect(list.body.nextCursor).toBeNull();
  });
});
