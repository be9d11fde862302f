// A black-box walk through the whole API contract against a running service, over real HTTP:
//   node --import tsx scripts/contract-walk.ts http://127.0.0.1:8080
// Prints one line per step and exits non-zero at the first step that does not hold. It writes
// (a few users, one project, then deletes the project): point it at a test or staging instance.
// tests/integration/platform/contract-over-http.test.ts runs it against the service on both
// databases.
import assert from 'node:assert/strict';

type Json = any;

class Session {
  cookie = '';
  csrf = '';
  constructor(private readonly base: string) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${this.base}/api/v1${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(this.csrf && method !== 'GET' ? { 'x-csrf-token': this.csrf } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const setCookie = response.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await response.text();
    const json: Json = text ? JSON.parse(text) : undefined;
    return { status: response.status, json, headers: response.headers };
  }

  async signUp(name: string) {
    const email = `${name.toLowerCase()}.${Date.now().toString(36)}@example.com`;
    const r = await this.call('POST', '/auth/register', {
      email,
      name,
      password: 'a sturdy passphrase 42',
    });
    assert.equal(r.status, 201, JSON.stringify(r.json));
    this.csrf = r.json.csrfToken;
    return { ...r.json.user, email } as { id: string; email: string };
  }
}

export async function runContractSmoke(base: string, log: (line: string) => void = console.log) {
  const step = async (name: string, fn: () => Promise<void>) => {
    await fn();
    log(`ok  ${name}`);
  };
  const owner = new Session(base);
  const viewer = new Session(base);
  const stranger = new Session(base);
  let projectId = '';
  let taskIds: string[] = [];

  await step('register, me, CSRF required', async () => {
    await owner.signUp('Olivia');
    const me = await owner.call('GET', '/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.json.csrfToken, owner.csrf);
    const csrf = owner.csrf;
    owner.csrf = '';
    const refused = await owner.call('POST', '/projects', { name: 'No CSRF' });
    owner.csrf = csrf;
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'FORBIDDEN');
  });

  await step('projects: create, get, rename', async () => {
    const created = await owner.call('POST', '/projects', {
      name: 'Smoke',
      description: 'contract walk',
    });
    assert.equal(created.status, 201);
    projectId = created.json.id;
    assert.equal(
      (await owner.call('PATCH', `/projects/${projectId}`, { name: 'Smoke test' })).json.name,
      'Smoke test',
    );
    const list = await owner.call('GET', '/projects');
    assert.ok(list.json.items.some((p: Json) => p.id === projectId));
  });

  await step('labels and tasks: create with filters, search and pagination', async () => {
    const label = await owner.call('POST', `/projects/${projectId}/labels`, {
      name: 'bug',
      color: '#dc2626',
    });
    assert.equal(label.status, 201);
    taskIds = [];
    for (let i = 0; i < 7; i++) {
      const r = await owner.call('POST', `/projects/${projectId}/tasks`, {
        title: i === 3 ? 'Find the needle' : `Task ${i}`,
        status: i % 2 ? 'in_progress' : 'todo',
        priority: 'high',
        dueAt: `2031-01-0${i + 1}T00:00:00.000Z`,
        labels: i < 2 ? [label.json.id] : [],
      });
      assert.equal(r.status, 201, JSON.stringify(r.json));
      taskIds.push(r.json.id);
    }
    const todo = await owner.call('GET', `/projects/${projectId}/tasks?status=todo`);
    assert.equal(todo.json.items.length, 4);
    const labelled = await owner.call('GET', `/projects/${projectId}/tasks?label=${label.json.id}`);
    assert.equal(labelled.json.items.length, 2);
    const search = await owner.call('GET', `/projects/${projectId}/tasks?q=needle`);
    assert.deepEqual(
      search.json.items.map((t: Json) => t.id),
      [taskIds[3]],
    );
    const due = await owner.call(
      'GET',
      `/projects/${projectId}/tasks?dueBefore=2031-01-03T00:00:00.000Z`,
    );
    assert.equal(due.json.items.length, 2);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { json: Json } = await owner.call(
        'GET',
        `/projects/${projectId}/tasks?limit=3&sort=-createdAt${cursor ? `&cursor=${cursor}` : ''}`,
      );
      seen.push(...page.json.items.map((t: Json) => t.id));
      cursor = page.json.nextCursor;
    } while (cursor);
    assert.deepEqual(seen, [...taskIds].reverse());
  });

  await step('ETag / If-Match: a stale write gets 412', async () => {
    const got = await owner.call('GET', `/tasks/${taskIds[0]}`);
    const etag = got.headers.get('etag')!;
    assert.ok(etag);
    const first = await owner.call(
      'PATCH',
      `/tasks/${taskIds[0]}`,
      { title: 'Edited' },
      { 'if-match': etag },
    );
    assert.equal(first.status, 200);
    const stale = await owner.call(
      'PATCH',
      `/tasks/${taskIds[0]}`,
      { title: 'Lost?' },
      { 'if-match': etag },
    );
    assert.equal(stale.status, 412);
    assert.equal(stale.json.error.code, 'PRECONDITION_FAILED');
    const moved = await owner.call('POST', `/tasks/${taskIds[0]}/move`, { status: 'done' });
    assert.equal(moved.json.status, 'done');
  });

  await step('members and roles: viewer reads, cannot write; stranger sees nothing', async () => {
    const v = await viewer.signUp('Victor');
    await stranger.signUp('Sam');
    const added = await owner.call('POST', `/projects/${projectId}/members`, {
      email: v.email,
      role: 'viewer',
    });
    assert.equal(added.status, 201);
    assert.equal((await viewer.call('GET', `/projects/${projectId}/tasks`)).status, 200);
    assert.equal(
      (await viewer.call('POST', `/projects/${projectId}/tasks`, { title: 'x' })).status,
      403,
    );
    assert.equal((await stranger.call('GET', `/projects/${projectId}`)).status, 404);
    assert.equal((await stranger.call('GET', `/tasks/${taskIds[1]}`)).status, 404);
    const promoted = await owner.call('PATCH', `/projects/${projectId}/members/${v.id}`, {
      role: 'editor',
    });
    assert.equal(promoted.json.role, 'editor');
    const lastOwner = await owner.call(
      'DELETE',
      `/projects/${projectId}/members/${(await owner.call('GET', '/auth/me')).json.user.id}`,
    );
    assert.equal(lastOwner.status, 409);
  });

  await step('comments and activity', async () => {
    const comment = await viewer.call('POST', `/tasks/${taskIds[1]}/comments`, {
      body: 'Looks good <b>to me</b>',
    });
    assert.equal(comment.status, 201);
    const comments = await owner.call('GET', `/tasks/${taskIds[1]}/comments`);
    assert.equal(comments.json.items[0].body, 'Looks good <b>to me</b>');
    assert.equal((await owner.call('DELETE', `/comments/${comment.json.id}`)).status, 204);
    const activity = await owner.call('GET', `/projects/${projectId}/activity`);
    assert.ok(activity.json.items.length > 5);
  });

  await step('bad input: 400 and nothing written, 413 for a huge body', async () => {
    const before = (await owner.call('GET', `/projects/${projectId}/tasks?limit=200`)).json.items
      .length;
    const cases: [unknown, string][] = [
      ['{"title": ', 'malformed JSON'],
      [{ title: 'x', colour: 'red' }, 'unknown field'],
      [{ title: 42 }, 'wrong type'],
      [{ title: 'x'.repeat(201) }, 'title too long'],
      [{ title: 'x', description: 'd'.repeat(20_001) }, 'description too long'],
      [{ title: 'x', dueAt: 'next tuesday' }, 'bad date'],
    ];
    for (const [body, what] of cases) {
      const r = await owner.call('POST', `/projects/${projectId}/tasks`, body);
      assert.equal(r.status, 400, what);
      assert.equal(r.json.error.code, 'VALIDATION_FAILED', what);
    }
    const huge = await owner.call('POST', `/projects/${projectId}/tasks`, {
      title: 'x',
      description: 'd'.repeat(1_100_000),
    });
    assert.equal(huge.status, 413);
    assert.equal(huge.json.error.code, 'PAYLOAD_TOO_LARGE');
    const after = (await owner.call('GET', `/projects/${projectId}/tasks?limit=200`)).json.items
      .length;
    assert.equal(after, before);
  });

  await step('delete a task and the project; logout', async () => {
    assert.equal((await owner.call('DELETE', `/tasks/${taskIds[2]}`)).status, 204);
    assert.equal((await owner.call('GET', `/tasks/${taskIds[2]}`)).status, 404);
    assert.equal((await owner.call('DELETE', `/projects/${projectId}`)).status, 204);
    assert.equal((await owner.call('POST', '/auth/logout')).status, 204);
    assert.equal((await owner.call('GET', '/auth/me')).status, 401);
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const base = process.argv[2] ?? 'http://127.0.0.1:8080';
  runContractSmoke(base).then(
    () => console.log(`the API contract holds at ${base}`),
    (error: unknown) => {
      console.error(`contract check failed: ${(error as Error).message}`);
      process.exit(1);
    },
  );
}
