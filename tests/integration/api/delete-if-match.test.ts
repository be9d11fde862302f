// Issue 11, finding 9: DELETE with If-Match checks the version and deletes in one statement. A
// delete based on version 1 and an edit racing it never both succeed: either the edit lands
// first (the delete is 412 and the edited task stays) or the delete does (the edit is 404).
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client, TestApp } from '../../support/app.js';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, team, useApp } from './helpers.js';

describe.each(testDatabases)('DELETE with If-Match on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);
  let t: TestApp;
  let owner: Client;
  let editor: Client;
  let projectId: string;

  beforeAll(async () => {
    if (target.skipReason) return;
    t = app();
    ({ owner, editor, projectId } = await team(t));
  });

  it_('a stale If-Match is 412 and deletes nothing', async () => {
    const task = await createTask(owner, projectId);
    await editor.request('PATCH', `${API}/tasks/${task.id}`, { title: 'edited' });
    const reply = await owner.request('DELETE', `${API}/tasks/${task.id}`, undefined, {
      headers: { 'if-match': '"1"' },
    });
    expectError(reply, 'PRECONDITION_FAILED');
    expect((await owner.request('GET', `${API}/tasks/${task.id}`)).body.title).toBe('edited');
  });

  it_('a delete and a concurrent edit never both succeed', async () => {
    for (let round = 0; round < 15; round++) {
      const task = await createTask(owner, projectId);
      const [deleted, edited] = await Promise.all([
        owner.request('DELETE', `${API}/tasks/${task.id}`, undefined, {
          headers: { 'if-match': `"${task.version}"` },
        }),
        editor.request('PATCH', `${API}/tasks/${task.id}`, { title: `edit ${round}` }),
      ]);
      const outcome = `${deleted.status}/${edited.status}`;
      expect(['204/404', '412/200', '204/412'], outcome).toContain(outcome);
      const left = await owner.request('GET', `${API}/tasks/${task.id}`);
      expect(left.status).toBe(deleted.status === 204 ? 404 : 200);
    }
  });
});
