// The inbox (issue 13): a user reads and marks only their own notifications, chooses which kinds
// they get, and watches or stops watching tasks they can see. Notifications are written by the
// changes that cause them (activity-log/notifications.ts).
import type { Static } from 'typebox';
import type { AuthContext } from '../../access/caller.js';
import { requireTaskRole } from '../../access/roles.js';
import {
  addWatchers,
  DEFAULT_EMAIL_OFF,
  NOTIFICATION_KINDS,
  recordInboxEvent,
} from '../../activity-log/notifications.js';
import type { NotificationKind } from '../../activity-log/notifications.js';
import type { Db } from '../../db/database.js';
import type { Reader } from '../../db/read-routing.js';
import type { NotificationRow } from '../../db/types.js';
import { NotFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/pagination.js';
import { toIso } from '../../platform/schemas.js';
import * as repo from './notifications.repository.js';
import type {
  Notification,
  NotificationSettings,
  NotificationSettingsInput,
} from './notifications.schemas.js';

type Settings = Static<typeof NotificationSettings>;
type SettingsInput = Static<typeof NotificationSettingsInput>;

const toNotification = (
  row: NotificationRow & {
    project_name: string;
    task_title: string | null;
    actor_name: string | null;
  },
): Static<typeof Notification> => ({
  id: row.id,
  kind: row.kind,
  read: row.read_at !== null,
  createdAt: toIso(row.created_at),
  project: { id: row.project_id, name: row.project_name },
  task: row.task_id && row.task_title !== null ? { id: row.task_id, title: row.task_title } : null,
  actor:
    row.actor_id && row.actor_name !== null ? { id: row.actor_id, name: row.actor_name } : null,
  commentId: row.comment_id,
});

export class NotificationsService {
  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
    /** Reads of a caller: a replica when it holds the caller's writes (db/read-routing.ts). */
    private readonly reader: Reader = () => db,
  ) {}

  async list(auth: AuthContext, input: { unread?: boolean; limit?: number; cursor?: string }) {
    const limit = input.limit ?? 50;
    const rows = await repo.listNotifications(this.reader(auth.user.id), auth.user.id, {
      unread: input.unread ?? false,
      limit,
      beforeId: decodeCursor(input.cursor)?.id,
    });
    const page = pageOf(rows, limit, () => null);
    return { items: page.items.map(toNotification), nextCursor: page.nextCursor };
  }

  async unreadCount(auth: AuthContext) {
    return { count: await repo.unreadCount(this.reader(auth.user.id), auth.user.id) };
  }

  /** Another user's notification, or one the caller may no longer see, is a 404. */
  async markRead(auth: AuthContext, notificationId: string): Promise<void> {
    if (!(await repo.findVisible(this.db, auth.user.id, notificationId)))
      throw NotFound('Notification');
    await this.markReadAndTell(auth.user.id, notificationId);
  }

  async markAllRead(auth: AuthContext): Promise<void> {
    await this.markReadAndTell(auth.user.id);
  }

  /** Marks read, and tells the user's other tabs and devices (their inbox streams) at once. */
  private markReadAndTell(userId: string, notificationId?: string) {
    const at = this.now();
    return this.db.transaction().execute(async (trx) => {
      await repo.markRead(trx, userId, at, notificationId);
      await recordInboxEvent(trx, userId, at, {
        type: 'notifications.read',
        ...(notificationId ? { notificationId } : {}),
      });
    });
  }

  async settings(auth: AuthContext, db: Db = this.reader(auth.user.id)): Promise<Settings> {
    const row = await repo.findSettings(db, auth.user.id);
    const switches = (off: readonly string[]) =>
      Object.fromEntries(
        NOTIFICATION_KINDS.map((kind) => [kind, !off.includes(kind)]),
      ) as Settings['inApp'];
    return {
      inApp: switches(row ? (JSON.parse(row.in_app_off) as string[]) : []),
      email: switches(row ? (JSON.parse(row.email_off) as string[]) : DEFAULT_EMAIL_OFF),
      language: (row?.language ?? 'en') as Settings['language'],
    };
  }

  async saveSettings(auth: AuthContext, input: SettingsInput): Promise<Settings> {
    const current = await this.settings(auth, this.db);
    const off = (on: Settings['inApp']) =>
      JSON.stringify(NOTIFICATION_KINDS.filter((kind: NotificationKind) => !on[kind]));
    await repo.saveSettings(
      this.db,
      auth.user.id,
      {
        in_app_off: off({ ...current.inApp, ...input.inApp }),
        email_off: off({ ...current.email, ...input.email }),
        language: input.language ?? current.language,
      },
      this.now(),
    );
    return this.settings(auth, this.db);
  }

  /** Anyone who can see the task may watch it. */
  async watch(auth: AuthContext, taskId: string) {
    await requireTaskRole(this.db, auth.user.id, taskId, 'viewer');
    await addWatchers(this.db, taskId, [auth.user.id], this.now());
    return { taskId, watching: true };
  }

  async unwatch(auth: AuthContext, taskId: string): Promise<void> {
    await requireTaskRole(this.db, auth.user.id, taskId, 'viewer');
    await repo.unwatch(this.db, taskId, auth.user.id);
  }
}
