// iCalendar feeds (issue 14): a secret, revocable URL per project or for "My work" that calendar
// apps poll. The token is shown once and kept as its SHA-256; each read checks that the feed's
// owner may still see the project (a removed member's project feed answers 404), and lists the
// open tasks due from 90 days ago on.
import type { AuthContext } from '../../access/caller.js';
import { requireRole, roleIn } from '../../access/roles.js';
import type { Db } from '../../db/database.js';
import { Conflict, NotFound } from '../../platform/errors.js';
import { newId, randomToken, sha256 } from '../../platform/ids.js';
import { toIso, toIsoOrNull } from '../../platform/schemas.js';
import { renderCalendar } from './ical.js';

/** Feeds one user may hold: enough for every project they follow, few enough to list. */
export const MAX_FEEDS = 50;
/** Events in one feed, the nearest due first. */
export const MAX_EVENTS = 2_000;
const PAST_MS = 90 * 86_400_000;
/** A feed's last use is written at most this often (calendar apps poll every few minutes). */
const TOUCH_MS = 3_600_000;

interface FeedRow {
  id: string;
  project_id: string | null;
  project_name: string | null;
  created_at: number;
  last_used_at: number | null;
}

const toFeed = (row: FeedRow) => ({
  id: row.id,
  project:
    row.project_id && row.project_name !== null
      ? { id: row.project_id, name: row.project_name }
      : null,
  createdAt: toIso(row.created_at),
  lastUsedAt: toIsoOrNull(row.last_used_at),
});

export const feedPath = (token: string) => `/api/v1/ical/${token}.ics`;

export class CalendarService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** PUBLIC_URL when configured: the base of the task links in events. */
    private readonly publicUrl?: string,
  ) {}

  private feeds(userId: string) {
    return this.db
      .selectFrom('calendar_feeds as f')
      .leftJoin('projects as p', 'p.id', 'f.project_id')
      .select(['f.id', 'f.project_id', 'p.name as project_name', 'f.created_at', 'f.last_used_at'])
      .where('f.user_id', '=', userId);
  }

  async list(auth: AuthContext) {
    const rows = await this.feeds(auth.user.id).orderBy('f.created_at').orderBy('f.id').execute();
    return { items: rows.map(toFeed) };
  }

  async create(auth: AuthContext, input: { projectId?: string | null }) {
    const projectId = input.projectId ?? null;
    if (projectId) await requireRole(this.db, auth.user.id, projectId, 'viewer');
    const token = randomToken();
    const id = newId();
    await this.db.transaction().execute(async (trx) => {
      const { count } = await trx
        .selectFrom('calendar_feeds')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('user_id', '=', auth.user.id)
        .executeTakeFirstOrThrow();
      if (Number(count) >= MAX_FEEDS)
        throw Conflict(`You have ${MAX_FEEDS} calendar feeds: revoke one to add another`);
      await trx
        .insertInto('calendar_feeds')
        .values({
          id,
          user_id: auth.user.id,
          project_id: projectId,
          token_hash: sha256(token),
          created_at: this.now(),
          last_used_at: null,
        })
        .execute();
    });
    const row = await this.feeds(auth.user.id).where('f.id', '=', id).executeTakeFirstOrThrow();
    return { ...toFeed(row), path: feedPath(token) };
  }

  async revoke(auth: AuthContext, id: string): Promise<void> {
    const result = await this.db
      .deleteFrom('calendar_feeds')
      .where('id', '=', id)
      .where('user_id', '=', auth.user.id)
      .executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw NotFound('Calendar feed');
  }

  /** The feed's iCalendar text; `base` (the URL the request came to) when PUBLIC_URL is unset. */
  async render(token: string, base: string): Promise<string> {
    const feed = await this.db
      .selectFrom('calendar_feeds as f')
      .innerJoin('users as u', 'u.id', 'f.user_id')
      .leftJoin('projects as p', 'p.id', 'f.project_id')
      .select([
        'f.id',
        'f.user_id',
        'f.project_id',
        'f.last_used_at',
        'u.name',
        'p.name as project',
      ])
      .where('f.token_hash', '=', sha256(token.replace(/\.ics$/, '')))
      .executeTakeFirst();
    // A feed whose owner left the project is as unknown as a wrong token.
    if (!feed || (feed.project_id && !(await roleIn(this.db, feed.project_id, feed.user_id))))
      throw NotFound('Calendar feed');
    const now = this.now();
    const since = now - PAST_MS;
    const tasks = await (
      feed.project_id
        ? this.db
            .selectFrom('tasks as t')
            .innerJoin('projects as p', 'p.id', 't.project_id')
            .where('t.project_id', '=', feed.project_id)
        : this.db
            .selectFrom('tasks as t')
            .innerJoin('projects as p', 'p.id', 't.project_id')
            .innerJoin('project_members as pm', (join) =>
              join.onRef('pm.project_id', '=', 't.project_id').on('pm.user_id', '=', feed.user_id),
            )
            .where('t.assignee_id', '=', feed.user_id)
    )
      .select([
        't.id',
        't.project_id',
        't.title',
        't.description',
        't.due_at',
        't.updated_at',
        'p.name as project',
      ])
      .where('t.due_at', '>=', since)
      .where('t.status', '!=', 'done')
      .where('t.archived_at', 'is', null)
      .orderBy('t.due_at')
      .orderBy('t.id')
      .limit(MAX_EVENTS)
      .execute();
    const labels = new Map<string, string[]>();
    if (tasks.length > 0) {
      const rows = await this.db
        .selectFrom('task_labels as tl')
        .innerJoin('labels as l', 'l.id', 'tl.label_id')
        .select(['tl.task_id', 'l.name'])
        .where(
          'tl.task_id',
          'in',
          tasks.map((t) => t.id),
        )
        .orderBy('l.name')
        .execute();
      for (const row of rows)
        labels.set(row.task_id, [...(labels.get(row.task_id) ?? []), row.name]);
    }
    if (feed.last_used_at === null || now - feed.last_used_at > TOUCH_MS) {
      await this.db
        .updateTable('calendar_feeds')
        .set({ last_used_at: now })
        .where('id', '=', feed.id)
        .execute();
    }
    const root = (this.publicUrl ?? base).replace(/\/+$/, '');
    return renderCalendar(
      feed.project ?? `My work (${feed.name})`,
      tasks.map((t) => ({
        uid: `${t.id}@cloudedu-taskmanager`,
        summary: feed.project_id ? t.title : `${t.title} (${t.project})`,
        description: t.description,
        at: Number(t.due_at),
        changed: Number(t.updated_at),
        categories: labels.get(t.id) ?? [],
        url: `${root}/projects/${t.project_id}/tasks/${t.id}`,
      })),
    );
  }
}
