// Tasks from a CSV file (issue 15): the preview suggests the mapping from the headers, checks
// every row (bad dates, unknown labels, strangers as assignees, unknown statuses) and writes
// nothing; the import writes all or nothing, or the valid rows when asked to skip the others;
// our own CSV export reads back. On SQLite and MariaDB.
import { describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API, createTask, expectError, rowCounts, team, useApp } from './helpers.js';

const FILE = [
  'Name,Notes,State,Priority,Due date,Tags,Assignee',
  'Book the hall,"Two rooms, one stage",In progress,high,2030-06-01,Ops,EDITOR',
  'Print flyers,,todo,,,"Ops; Design",',
  'Broken date,,todo,low,next tuesday,,',
  'Unknown label,,done,,,Marketing,',
  'Stranger,,todo,,,,someone@else.example',
  ',no title here,todo,,,,',
  "'=Formula guarded,,Done,urgent,2030-06-02T09:30:00+02:00,,",
].join('\r\n');

describe.each(testDatabases)('CSV import on $name', (target) => {
  const app = useApp(target);
  const it_ = it.skipIf(target.skipReason);

  async function setUp() {
    const t = app();
    const members = await team(t);
    const { owner, editor, projectId } = members;
    for (const name of ['Ops', 'Design']) {
      const label = await owner.request('POST', `${API}/projects/${projectId}/labels`, { name });
      expect(label.status).toBe(201);
    }
    await createTask(owner, projectId, { title: 'Already there' });
    const csv = FILE.replace('EDITOR', editor.user!.email.toUpperCase());
    return { t, csv, ...members };
  }

  it_(
    'previews: mapping from the headers, a problem per row and column, nothing written',
    async () => {
      const { t, csv, editor, projectId } = await setUp();
      const before = await rowCounts(t);
      const reply = await editor.request(
        'POST',
        `${API}/projects/${projectId}/import/csv/preview`,
        { csv },
      );
      expect(reply.status, JSON.stringify(reply.body)).toBe(200);
      expect(reply.body.mapping).toEqual({
        title: 'Name',
        description: 'Notes',
        status: 'State',
        priority: 'Priority',
        dueAt: 'Due date',
        labels: 'Tags',
        assignee: 'Assignee',
      });
      expect(reply.body.rows).toBe(7);
      expect(reply.body.validRows).toBe(3);
      expect(reply.body.issues).toEqual([
        { row: 4, field: 'dueAt', message: expect.stringContaining('next tuesday') },
        { row: 5, field: 'labels', message: 'names no label of the project: Marketing' },
        {
          row: 6,
          field: 'assignee',
          message: 'is not a member of the project: someone@else.example',
        },
        { row: 7, field: 'title', message: 'is empty' },
      ]);
      expect(reply.body.sample).toEqual([
        {
          row: 2,
          title: 'Book the hall',
          status: 'in_progress',
          // The starting column of that name (a status' name names its first column too).
          column: 'In progress',
          priority: 'high',
          dueAt: '2030-06-01T23:59:59.000Z',
          labels: ['Ops'],
          assignee: editor.user!.email,
        },
        {
          row: 3,
          title: 'Print flyers',
          status: 'todo',
          // The starting column of that name (a status' name names its first column too).
          column: 'To do',
          priority: 'medium',
          dueAt: null,
          labels: ['Ops', 'Design'],
          assignee: null,
        },
        {
          row: 8,
          title: '=Formula guarded',
          status: 'done',
          // The starting column of that name (a status' name names its first column too).
          column: 'Done',
          priority: 'urgent',
          dueAt: '2030-06-02T07:30:00.000Z',
          labels: [],
          assignee: null,
        },
      ]);
      expect(await rowCounts(t)).toEqual(before);
    },
  );

  it_(
    'imports all or nothing; with skipInvalid, the valid rows at the end of their columns',
    async () => {
      const { t, csv, owner, editor, projectId } = await setUp();
      const before = await rowCounts(t);
      const refused = await editor.request('POST', `${API}/projects/${projectId}/import/csv`, {
        csv,
      });
      const error = expectError(refused, 'VALIDATION_FAILED');
      expect(error.message).toBe('4 rows are not valid: nothing was imported');
      expect((error.details as { field: string }[]).map((d) => d.field)).toEqual([
        'rows.4.dueAt',
        'rows.5.labels',
        'rows.6.assignee',
        'rows.7.title',
      ]);
      expect(await rowCounts(t)).toEqual(before);

      const done = await editor.request('POST', `${API}/projects/${projectId}/import/csv`, {
        csv,
        skipInvalid: true,
      });
      expect(done.status, JSON.stringify(done.body)).toBe(201);
      expect(done.body).toMatchObject({ created: 3, skipped: 4 });
      const list = await owner.request(
        'GET',
        `${API}/projects/${projectId}/tasks?sort=position&limit=100`,
      );
      const tasks = list.body.items as {
        title: string;
        description: string | null;
        status: string;
        priority: string;
        dueAt: string | null;
        assigneeId: string | null;
        createdBy: string;
        labels: { name: string }[];
      }[];
      const todo = tasks.filter((task) => task.status === 'todo').map((task) => task.title);
      expect(todo).toEqual(['Already there', 'Print flyers']);
      const hall = tasks.find((task) => task.title === 'Book the hall')!;
      expect(hall).toMatchObject({
        description: 'Two rooms, one stage',
        status: 'in_progress',
        priority: 'high',
        dueAt: '2030-06-01T23:59:59.000Z',
        assigneeId: editor.user!.id,
        createdBy: editor.user!.id,
      });
      expect(
        tasks
          .find((task) => task.title === 'Print flyers')!
          .labels.map((l) => l.name)
          .sort(),
      ).toEqual(['Design', 'Ops']);
      const activity = await owner.request('GET', `${API}/projects/${projectId}/activity?limit=5`);
      expect(activity.body.items[0]).toMatchObject({
        action: 'tasks.imported',
        details: { format: 'csv', tasks: 3, skipped: 4 },
      });
    },
  );

  it_('a status named like a property of every JavaScript object is not a status', async () => {
    const { t, editor, projectId } = await setUp();
    const before = await rowCounts(t);
    const csv = 'title,status\nOne,constructor\nTwo,__proto__\nThree,To String\nFour,Doing\n';
    const refused = await editor.request('POST', `${API}/projects/${projectId}/import/csv`, {
      csv,
    });
    const error = expectError(refused, 'VALIDATION_FAILED');
    expect((error.details as { field: string }[]).map((d) => d.field)).toEqual([
      'rows.2.status',
      'rows.3.status',
      'rows.4.status',
    ]);
    expect(await rowCounts(t)).toEqual(before);
  });

  it_(
    "puts a row in the project's column its status cell names, else in the status' first",
    async () => {
      const { editor, projectId } = await setUp();
      const review = await editor.request('POST', `${API}/projects/${projectId}/columns`, {
        name: 'Code review',
        category: 'in_progress',
      });
      expect(review.status).toBe(201);
      const csv = 'title,column\nA,Code review\nB,code_review\nC,Doing\nD,\n';
      const preview = await editor.request(
        'POST',
        `${API}/projects/${projectId}/import/csv/preview`,
        { csv },
      );
      expect(preview.status, JSON.stringify(preview.body)).toBe(200);
      // The preview says which column each row goes to (none named: its status' first).
      expect(
        (preview.body.sample as { title: string; column: string | null }[]).map(
          (x) => `${x.title}:${x.column}`,
        ),
      ).toEqual(['A:Code review', 'B:Code review', 'C:null', 'D:null']);
      const imported = await editor.request('POST', `${API}/projects/${projectId}/import/csv`, {
        csv,
      });
      expect(imported.status, JSON.stringify(imported.body)).toBe(201);
      const page = await editor.request('GET', `${API}/projects/${projectId}/tasks?limit=200`);
      const columnOf = Object.fromEntries(
        (page.body.items as { title: string; status: string; columnId: string }[]).map((x) => [
          x.title,
          `${x.status} ${x.columnId === review.body.id ? 'review' : 'first'}`,
        ]),
      );
      expect(columnOf).toMatchObject({
        A: 'in_progress review',
        B: 'in_progress review',
        C: 'in_progress first',
        D: 'todo first',
      });
    },
  );

  it_('reads back its own CSV export', async () => {
    const { owner, projectId } = await setUp();
    await createTask(owner, projectId, { title: '@mention-like, "quoted"', priority: 'low' });
    const exported = await owner.request('GET', `${API}/projects/${projectId}/export?format=csv`);
    expect(exported.status).toBe(200);
    const preview = await owner.request('POST', `${API}/projects/${projectId}/import/csv/preview`, {
      csv: exported.raw.body,
    });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.mapping).toMatchObject({
      title: 'title',
      status: 'status',
      priority: 'priority',
      dueAt: 'due_at',
      labels: 'labels',
      assignee: 'assignee',
      description: 'description',
    });
    expect(preview.body.issues).toEqual([]);
    expect(preview.body.sample.map((s: { title: string }) => s.title).sort()).toEqual([
      '@mention-like, "quoted"',
      'Already there',
    ]);
  });

  it_('refuses viewers, strangers, bad mappings and files, writing nothing', async () => {
    const { t, csv, viewer, stranger, editor, projectId } = await setUp();
    const url = `${API}/projects/${projectId}/import/csv`;
    const before = await rowCounts(t);
    expectError(await viewer.request('POST', url, { csv }), 'FORBIDDEN');
    expectError(await stranger.request('POST', url, { csv }), 'NOT_FOUND');
    const badMapping = expectError(
      await editor.request('POST', url, { csv, mapping: { title: 'Nope', labels: 'Tags' } }),
      'VALIDATION_FAILED',
    );
    expect(badMapping.details).toEqual([
      expect.objectContaining({
        field: 'mapping.title',
        message: 'names no column of the file: Nope',
      }),
    ]);
    expectError(
      await editor.request('POST', url, { csv, mapping: { labels: 'Tags' } }),
      'VALIDATION_FAILED',
    );
    expectError(await editor.request('POST', url, { csv: 'a,"b\n1,2' }), 'VALIDATION_FAILED');
    expectError(await editor.request('POST', url, { csv: 'x', extra: 1 }), 'VALIDATION_FAILED');
    expect(await rowCounts(t)).toEqual(before);
    // A mapping that leaves the bad columns out imports the rows with a title.
    const titles = await editor.request('POST', url, {
      csv,
      mapping: { title: 'Name', status: 'State' },
      skipInvalid: true,
    });
    expect(titles.body).toMatchObject({ created: 6, skipped: 1 });
  });
});
