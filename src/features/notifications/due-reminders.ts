// Due reminders: "due soon" when an open task's due date comes within REMINDER_LEAD_HOURS (a day
// by default), "overdue" once it has passed. Every replica runs this scheduler; each reminder is
// claimed by inserting its row into due_reminders (key: task, kind, due date) in the transaction
// that writes its notifications, so exactly one replica tells anyone, a restart finds what was
// told, and moving the due date makes a new reminder. Emails follow through the mailer, as for
// every notification.
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { FastifyBaseLogger } from 'fastify';
import { queueNotifications } from '../../activity-log/notifications.js';
import type { NotificationKind } from '../../activity-log/notifications.js';
import { PROJECT_EVENTS_TOPIC } from '../../activity-log/record.js';
import type { ReminderConfig } from '../../config.js';
import type { ChangeFeed } from '../../db/change-feed.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import { Poller } from '../../platform/poller.js';

type ReminderKind = Extract<NotificationKind, 'dueSoon' | 'overdue'>;

/** Tasks read per query of a scan: each query's work is bounded, whatever the number due. */
const PAGE = 500;
/** An "overdue" is told for due dates up to a week old: a scheduler down for days catches up. */
export const OVERDUE_WINDOW_MS = 7 * 86_400_000;
/**
 * How often a pass scans both windows whole rather than what changed since the previous pass:
 * the net under what the change feed cannot tell (rows pruned while this process lagged, tasks
 * written by a restore or an import without a live event).
 */
export const FULL_PASS_MS = 3_600_000;
/** Changed tasks remembered between passes; past this, the next pass scans the windows whole. */
const MAX_CHANGED = 10_000;
/** Live events of writes to many tasks at once, naming none: the next pass scans whole. */
const MANY_TASKS_WRITTEN = new Set(['tasks.imported', 'project.imported', 'column.deleted']);

interface DueTask {
  id: string;
  project_id: string;
  due_at: number | null;
  assignee_id: string | null;
}

/** A task's place in the scan: (due date, id), the order of tasks_due_at_idx. */
interface Key {
  due_at: number;
  id: string;
}

export interface DueReminderOptions {
  log?: FastifyBaseLogger;
  now?: () => number;
  /** The change feed: tasks written on any replica are looked at by the next pass. */
  changes?: ChangeFeed;
}

export class DueReminders extends Poller {
  private readonly now: () => number;
  /** `now` of the last pass that finished, and of the last full one. */
  private lastPass: number | undefined;
  private lastFullPass = -Infinity;
  /** Tasks written since the last pass (a due date set, a task reopened or restored). */
  private changed = new Set<string>();
  private wholeNext = false;

  constructor(
    private readonly db: Db,
    private readonly config: ReminderConfig,
    options: DueReminderOptions = {},
  ) {
    super(config.pollIntervalMs, 'due reminder pass failed', options.log);
    this.now = options.now ?? Date.now;
    options.changes?.on(PROJECT_EVENTS_TOPIC, (_project, change) => this.noteChange(change.data));
  }

  /**
   * One pass: every reminder due now and not yet claimed; the number this replica sent. The
   * first pass, and one an hour, scans both windows whole; the others read only the tasks the
   * clock brought into a window since the previous pass and the tasks written since (one short
   * index range per kind and a lookup by id), so a minute's pass costs the same at a thousand
   * tasks as at a million.
   */
  async runOnce(): Promise<number> {
    const now = this.now();
    const last = this.lastPass;
    const full =
      last === undefined || last > now || this.wholeNext || now - this.lastFullPass >= FULL_PASS_MS;
    const changed = [...this.changed];
    this.changed.clear();
    this.wholeNext = false;
    let sent = 0;
    try {
      // Overdue first: a task both due soon and overdue when first seen is told the latter only.
      for (const [kind, from, to, lead] of [
        ['overdue', now - OVERDUE_WINDOW_MS, now, 0],
        ['dueSoon', now, now + this.config.leadMs, this.config.leadMs],
      ] as const) {
        if (full) sent += await this.scan(kind, from, to, now);
        else {
          // What entered the window since the last pass: due dates in (last, now] (+ the lead).
          sent += await this.scan(kind, Math.max(from, last + lead), to, now);
          sent += await this.check(kind, from, to, changed, now);
        }
      }
    } catch (error) {
      // Looked at again by the next pass, which also re-reads the windows from the same `last`
      // (and scans them whole if this one was to).
      for (const id of changed) this.changed.add(id);
      if (full) this.wholeNext = true;
      throw error;
    }
    this.lastPass = now;
    if (full) this.lastFullPass = now;
    return sent;
  }

  /** A live event of a project, written on some replica: the task it names, or many. */
  private noteChange(data: string | null): void {
    if (!data || this.wholeNext) return;
    const { type, taskId } = JSON.parse(data) as { type?: unknown; taskId?: unknown };
    if (typeof taskId === 'string') this.changed.add(taskId);
    if (this.changed.size > MAX_CHANGED || MANY_TASKS_WRITTEN.has(type as string)) {
      this.changed.clear();
      this.wholeNext = true;
    }
  }

  /**
   * Every task due in (from, to], a page of PAGE tasks at a time in (due date, id) order: where a
   * page ends is read from the index alone, then the unclaimed reminders up to there. A query
   * reads at most a page however many reminders are claimed already, and the pass yields to
   * requests between pages (SQLite answers synchronously).
   */
  private async scan(kind: ReminderKind, from: number, to: number, now: number): Promise<number> {
    let sent = 0;
    let after: Key | undefined;
    for (;;) {
      const end = (await this.dueIn(from, to, after)
        .select(['t.due_at', 't.id'])
        .orderBy('t.due_at')
        .orderBy('t.id')
        .limit(1)
        .offset(PAGE - 1)
        .executeTakeFirst()) as Key | undefined;
      const due = await this.unclaimed(kind, this.dueIn(from, to, after, end)).execute();
      for (const task of due) if (await this.remind(task, kind, now)) sent++;
      if (!end) return sent;
      after = end;
      await nextTurn();
    }
  }

  /** The tasks among `ids` due in (from, to] without this kind of reminder. */
  private async check(
    kind: ReminderKind,
    from: number,
    to: number,
    ids: readonly string[],
    now: number,
  ): Promise<number> {
    let sent = 0;
    for (let i = 0; i < ids.length; i += PAGE) {
      const range = this.dueIn(from, to).where('t.id', 'in', ids.slice(i, i + PAGE));
      for (const task of await this.unclaimed(kind, range).execute())
        if (await this.remind(task, kind, now)) sent++;
    }
    return sent;
  }

  /**
   * Tasks due in (from, to], after the key `after` and up to `upTo` (both in index order). One
   * bound on each side of the index's first column: given two lower bounds, SQLite seeks to one
   * of them and may pick the window's start, reading every page before this one again.
   */
  private dueIn(from: number, to: number, after?: Key, upTo?: Key) {
    let query = this.db.selectFrom('tasks as t');
    query = after
      ? query
          .where('t.due_at', '>=', after.due_at)
          .where((eb) => eb.or([eb('t.due_at', '>', after.due_at), eb('t.id', '>', after.id)]))
      : query.where('t.due_at', '>', from);
    return upTo
      ? query
          .where('t.due_at', '<=', upTo.due_at)
          .where((eb) => eb.or([eb('t.due_at', '<', upTo.due_at), eb('t.id', '<=', upTo.id)]))
      : query.where('t.due_at', '<=', to);
  }

  /** The open tasks of `tasks` without this kind of reminder for their current due date. */
  private unclaimed(kind: ReminderKind, tasks: ReturnType<DueReminders['dueIn']>) {
    return tasks
      .select(['t.id', 't.project_id', 't.due_at', 't.assignee_id'])
      .where('t.status', '!=', 'done')
      .where('t.archived_at', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('due_reminders as r')
              .select('r.task_id')
              .whereRef('r.task_id', '=', 't.id')
              .where('r.kind', '=', kind)
              .whereRef('r.due_at', '=', 't.due_at'),
          ),
        ),
      );
  }

  /** Claims one reminder and writes its notifications; false when another replica has it. */
  private async remind(task: DueTask, kind: ReminderKind, now: number): Promise<boolean> {
    try {
      return await this.db.transaction().execute(async (trx) => {
        await trx
          .insertInto('due_reminders')
          .values({ task_id: task.id, kind, due_at: task.due_at!, created_at: now })
          .execute();
        // The assignee, while a member; a task nobody is assigned to: the members watching it.
        const people = await trx
          .selectFrom('project_members as pm')
          .select('pm.user_id')
          .where('pm.project_id', '=', task.project_id)
          .where((eb) =>
            task.assignee_id
              ? eb('pm.user_id', '=', task.assignee_id)
              : eb(
                  'pm.user_id',
                  'in',
                  eb
                    .selectFrom('task_watchers as w')
                    .select('w.user_id')
                    .where('w.task_id', '=', task.id),
                ),
          )
          .execute();
        await queueNotifications(
          trx,
          { projectId: task.project_id, taskId: task.id, actorId: null, commentId: null, at: now },
          new Map(people.map((p) => [p.user_id, kind])),
        );
        return true;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return false; // another replica claimed it first
      throw error;
    }
  }
}
