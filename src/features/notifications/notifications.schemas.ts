import { Type } from 'typebox';
import { NOTIFICATION_KINDS } from '../../activity-log/notifications.js';
import { PageQuery } from '../../platform/pagination.js';
import { Id, Nullable, StringEnum, Timestamp } from '../../platform/schemas.js';

export const NotificationKind = StringEnum(NOTIFICATION_KINDS, {
  description:
    'assigned: the task was assigned to you; mentioned: you were @mentioned in its description or a comment; taskChanged: a task you watch changed; commented: a task you watch got a comment; dueSoon: a task assigned to you (or, unassigned, one you watch) is due within REMINDER_LEAD_HOURS (a day by default); overdue: its due date has passed and it is not done',
});

export const Notification = Type.Object(
  {
    id: Id,
    kind: NotificationKind,
    read: Type.Boolean(),
    createdAt: Timestamp,
    project: Type.Object({ id: Id, name: Type.String() }),
    task: Nullable(Type.Object({ id: Id, title: Type.String() })),
    actor: Nullable(Type.Object({ id: Id, name: Type.String() })),
    commentId: Nullable(Id),
  },
  { $id: 'Notification' },
);

export const NotificationPage = Type.Object({
  items: Type.Array(Type.Ref('Notification')),
  nextCursor: Nullable(Type.String()),
});

export const NotificationListQuery = Type.Object(
  {
    unread: Type.Optional(Type.Boolean({ description: 'Only unread notifications' })),
    ...PageQuery,
  },
  { additionalProperties: false },
);

export const UnreadCount = Type.Object({ count: Type.Integer({ minimum: 0 }) });

export const NotificationParams = Type.Object({ notificationId: Id });

const KindSwitches = Type.Object(
  {
    assigned: Type.Boolean(),
    mentioned: Type.Boolean(),
    taskChanged: Type.Boolean(),
    commented: Type.Boolean(),
    dueSoon: Type.Boolean(),
    overdue: Type.Boolean(),
  },
  { additionalProperties: false, description: 'Which kinds are notified (true: on)' },
);

/** The kinds added after the first release may be left out: they keep their current values. */
const KindSwitchesInput = Type.Object(
  {
    assigned: Type.Boolean(),
    mentioned: Type.Boolean(),
    taskChanged: Type.Boolean(),
    commented: Type.Boolean(),
    dueSoon: Type.Optional(Type.Boolean()),
    overdue: Type.Optional(Type.Boolean()),
  },
  {
    additionalProperties: false,
    description: 'Which kinds are notified (true: on); a kind left out keeps its current value',
  },
);

export const EMAIL_LANGUAGES = ['en', 'es'] as const;

export const NotificationSettings = Type.Object(
  {
    inApp: KindSwitches,
    email: KindSwitches,
    language: StringEnum(EMAIL_LANGUAGES, { description: 'The language of emails' }),
  },
  { additionalProperties: false },
);

/** Email switches and language may be left out: they keep their current values. */
export const NotificationSettingsInput = Type.Object(
  {
    inApp: KindSwitchesInput,
    email: Type.Optional(KindSwitchesInput),
    language: Type.Optional(StringEnum(EMAIL_LANGUAGES, { description: 'The language of emails' })),
  },
  { additionalProperties: false },
);

export const Watching = Type.Object({ taskId: Id, watching: Type.Boolean() });
