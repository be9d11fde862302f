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
import type { ReminderConfig } from '../../config.js';
import type { Db } from '../../db/database.js';
import { isUniqueViolation } from '../../db/errors.js';
import { Poller } from '../../platform/poller.js';

type ReminderKind = Extract<NotificationKind, 'dueSoon' | 'overdue'>;

const BATCH = 100;
/** An "overdue" is told for due dates up to a week old: a scheduler down for days catches up. */
export const OVERDUE_WINDOW_MS = 7 * 86_400_000;

interface DueTask {
  id: string;
  project_id: string;
  due_at: number | null;
  assignee_id: string | null;
}

export class DueReminders extends Poller {
  constructor(
    private readonly db: Db,
    private readonly config: ReminderConfig,
    log?: FastifyBaseLogger,
    private readonly now: () => number = Date.now,
  ) {
    super(config.pollIntervalMs, 'due reminder pass failed', log);
  }

  /** One pass: every reminder due now and not yet claimed; the number this replica sent. */
  async runOnce(): Promise<number> {
    const now = this.now();
    let sent = 0;
    // Overdue first: a task both due soon and overdue when first seen is told the latter only.
    for (const [kind, from, to] of [
      ['overdue', now - OVERDUE_WINDOW_MS, now],
      ['dueSoon', now, now + this.config.leadMs],
    ] as const) {
      // Each batch starts after the last one's last task: claimed tasks are not read again, so
      // a pass over many due tasks (the first start after an outage, a bulk import) costs one
      // index range, not one re-scan of everything claimed so far per batch.
      let after: DueTask | undefined;
      for (;;) {
        const due = await this.unclaimed(kind, from, to, after);
        for (const task of due) if (await this.remind(task, kind, now)) sent++;
        if (due.length < BATCH) break;
        after = due[due.length - 1];
        // SQLite answers synchronously: let waiting requests in between batches.
        await nextTurn();
      }
    }
    return sent;
  }

  /**
   * Open tasks due in (from, to] without this kind of reminder for their current due date, in
   * (due date, id) order after `after`.
   */
  private unclaimed(
    kind: ReminderKind,
    from: number,
    to: number,
    after?: DueTask,
  ): Promise<DueTask[]> {
    let query = this.db
      .selectFrom('tasks as t')
      .select(['t.id', 't.project_id', 't.due_at', 't.assignee_id'])
      .where('t.due_at', '>', from)
      .where('t.due_at', '<=', to);
    // As the task lists' cursor: `>=` on the index's first column, so both databases seek.
    if (after?.due_at != null) {
      const { due_at: dueAt, id } = after;
      query = query
        .where('t.due_at', '>=', dueAt)
        .where((eb) => eb.or([eb('t.due_at', '>', dueAt), eb('t.id', '>', id)]));
    }
    return query
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
      )
      .orderBy('t.due_at')
      .orderBy('t.id')
      .limit(BATCH)
      .execute();
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
