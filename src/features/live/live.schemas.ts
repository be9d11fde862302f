import { Type } from 'typebox';
import { Id } from '../../platform/schemas.js';

export const LiveHeaders = Type.Object({
  'last-event-id': Type.Optional(
    Type.String({
      pattern: '^[0-9]{1,15}$',
      description:
        'The id of the last event received (EventSource sends it when it reconnects): the events after it are sent first',
    }),
  ),
});

export const LiveEvent = Type.Object(
  {
    id: Type.Integer({ description: 'The event id, also the SSE `id` (monotonic)' }),
    type: Type.String({
      description:
        'A project stream: task.created, task.updated, task.moved, task.deleted, task.archived, task.restored, tasks.imported and tasks.archived (many tasks: read the list again), comment.added, comment.deleted, label.created, label.deleted, column.created, column.updated and column.deleted (read the columns and the board again), member.added, member.role_changed, member.removed, project.updated, project.deleted, and the other actions of the project history. The inbox stream (/me/events): notification.created, notifications.read',
    }),
    actorId: Type.Optional(Id),
    taskId: Type.Optional(Id),
    commentId: Type.Optional(Id),
    userId: Type.Optional(Id),
    notificationId: Type.Optional(Id),
  },
  {
    $id: 'LiveEvent',
    description:
      'The `data` of an unnamed server-sent event: what changed, by ids; clients read the resource again. Named events besides: `ready` (connected; its id is where the stream starts), `reset` (events were missed beyond what the server keeps: read everything again), `end` (the server ends the stream: `reason` is membership, credentials or shutdown). A comment line every 15 s keeps proxies from closing an idle stream.',
  },
);
