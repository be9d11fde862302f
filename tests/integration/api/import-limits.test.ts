// The import rate limit (issue 15): imports parse whole files and write thousands of rows, so each
// user gets IMPORT_RATE_LIMIT_PER_HOUR of them (JSON, Trello and CSV together), and as many CSV
// previews, counted in the database for every replica. Beyond: 429 with Retry-After, nothing
// written; other users are not held back.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API, expectError, rowCounts, signUp, useApp } from './helpers.js';

describe.each(testDatabases)('import rate limit on $name', (target) => {
  const app = useApp(target, { IMPORT_RATE_LIMIT_PER_HOUR: '2' });
  const it_ = it.skipIf(target.skipReason);

  it_('lets a user import twice an hour here, then says when to come back', async () => {
    const t = app();
    const busy = await signUp(t, 'Busy importer');
    const calm = await signUp(t, 'Calm importer');
    const project = await busy.request('POST', `${API}/projects`, { name: 'Target' });
    const csv = { csv: 'title\r\nFrom a file' };
    const csvUrl = `${API}/projects/${project.body.id}/import/csv`;

    // Two imports of different kinds share the budget.
    expect((await busy.request('POST', csvUrl, csv)).status).toBe(201);
    const board = JSON.parse(await readFile('tests/fixtures/trello/board.json', 'utf8')) as unknown;
    const trello = await busy.request('POST', `${API}/projects/import/trello`, board);
    expect(trello.status, JSON.stringify(trello.body)).toBe(201);

    const before = await rowCounts(t);
    const limited = await busy.request('POST', csvUrl, csv);
    expectError(limited, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(60);
    expect(await rowCounts(t)).toEqual(before);

    // Previews have their own budget; another user has theirs.
    expect((await busy.request('POST', `${csvUrl}/preview`, csv)).status).toBe(200);
    const own = await calm.request('POST', `${API}/projects`, { name: 'Mine' });
    expect(
      (await calm.request('POST', `${API}/projects/${own.body.id}/import/csv`, csv)).status,
    ).toBe(201);
  });
});
