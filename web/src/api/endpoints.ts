// Every API call the UI makes, one function each, typed end to end by the generated schema.
import { call, client } from './http';
import { sendFile } from './upload';
import type { paths } from './schema';
import type {
  ChecklistChange,
  ColumnInput,
  ColumnPatch,
  InviteInput,
  Preferences,
  MyTaskQuery,
  NewSavedView,
  NotificationSettings,
  Role,
  SearchQuery,
  Task,
  TaskInput,
  TaskPatch,
  TaskQuery,
  TokenLifetime,
  UserChange,
  WebhookEvent,
} from './types';

export const preferences = {
  get: async () => (await call(client.GET('/api/v1/me/preferences'))).data,
  update: async (change: Partial<Preferences>) =>
    (await call(client.PATCH('/api/v1/me/preferences', { body: change }))).data,
};

export const auth = {
  /** The session, or `{ user: null }` when signed out (a 200 either way: no 401 in the console). */
  session: async () =>
    (await call(client.GET('/api/v1/auth/session'), { allowAnonymous: true })).data,
  /** Password sign-in on or off (AUTH_MODE), single sign-on configured or not. */
  methods: async () =>
    (await call(client.GET('/api/v1/auth/methods'), { allowAnonymous: true })).data,
  login: async (email: string, password: string) =>
    (
      await call(client.POST('/api/v1/auth/login', { body: { email, password } }), {
        allowAnonymous: true,
      })
    ).data,
  register: async (email: string, name: string, password: string) =>
    (
      await call(client.POST('/api/v1/auth/register', { body: { email, name, password } }), {
        allowAnonymous: true,
      })
    ).data,
  logout: async () => {
    await call(client.POST('/api/v1/auth/logout'), { allowAnonymous: true });
  },
  changePassword: async (currentPassword: string, newPassword: string) => {
    await call(client.POST('/api/v1/auth/password', { body: { currentPassword, newPassword } }));
  },
  acceptInvite: async (token: string, email: string, name: string, password: string) =>
    (
      await call(
        client.POST('/api/v1/invites/accept', { body: { token, email, name, password } }),
        { allowAnonymous: true },
      )
    ).data,
  resetPassword: async (token: string, newPassword: string) =>
    (
      await call(client.POST('/api/v1/password-reset', { body: { token, newPassword } }), {
        allowAnonymous: true,
      })
    ).data,
  sessions: async () => (await call(client.GET('/api/v1/auth/sessions'))).data.items,
  endSession: async (id: string) => {
    await call(client.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } }));
  },
};

export const tokens = {
  list: async () => (await call(client.GET('/api/v1/tokens'))).data.items,
  create: async (name: string, currentPassword: string, expiresInDays: TokenLifetime) =>
    (await call(client.POST('/api/v1/tokens', { body: { name, currentPassword, expiresInDays } })))
      .data,
  revoke: async (id: string) => {
    await call(client.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } }));
  },
};

export const calendarFeeds = {
  list: async () => (await call(client.GET('/api/v1/calendar-feeds'))).data.items,
  /** A project's feed, or null for My work. */
  create: async (projectId: string | null) =>
    (await call(client.POST('/api/v1/calendar-feeds', { body: { projectId } }))).data,
  revoke: async (id: string) => {
    await call(client.DELETE('/api/v1/calendar-feeds/{id}', { params: { path: { id } } }));
  },
};

/** My saved views of a project's board or list (only mine). */
export const savedViews = {
  list: async (projectId: string) =>
    (
      await call(
        client.GET('/api/v1/projects/{projectId}/views', { params: { path: { projectId } } }),
      )
    ).data.items,
  create: async (projectId: string, view: NewSavedView) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/views', {
          params: { path: { projectId } },
          body: view,
        }),
      )
    ).data,
  remove: async (viewId: string) => {
    await call(client.DELETE('/api/v1/views/{viewId}', { params: { path: { viewId } } }));
  },
};

/** Every page of a cursor-paginated list. */
async function allPages<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const data = await page(cursor);
    items.push(...data.items);
    cursor = data.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

export const admin = {
  users: () =>
    allPages(
      async (cursor) =>
        (
          await call(
            client.GET('/api/v1/admin/users', { params: { query: { limit: 200, cursor } } }),
          )
        ).data,
    ),
  updateUser: async (userId: string, change: UserChange) =>
    (
      await call(
        client.PATCH('/api/v1/admin/users/{userId}', {
          params: { path: { userId } },
          body: change,
        }),
      )
    ).data,
  forceReset: async (userId: string) =>
    (
      await call(
        client.POST('/api/v1/admin/users/{userId}/password-reset', {
          params: { path: { userId } },
        }),
      )
    ).data,
  invites: () =>
    allPages(
      async (cursor) =>
        (
          await call(
            client.GET('/api/v1/admin/invites', { params: { query: { limit: 200, cursor } } }),
          )
        ).data,
    ),
  createInvite: async (input: InviteInput) =>
    (await call(client.POST('/api/v1/admin/invites', { body: input }))).data,
  revokeInvite: async (inviteId: string) => {
    await call(
      client.DELETE('/api/v1/admin/invites/{inviteId}', { params: { path: { inviteId } } }),
    );
  },
};

export const projects = {
  list: () =>
    allPages(
      async (cursor) =>
        (await call(client.GET('/api/v1/projects', { params: { query: { limit: 200, cursor } } })))
          .data,
    ),
  get: async (projectId: string) =>
    (await call(client.GET('/api/v1/projects/{projectId}', { params: { path: { projectId } } })))
      .data,
  create: async (name: string, description?: string) =>
    (
      await call(
        client.POST('/api/v1/projects', {
          body: description ? { name, description } : { name },
        }),
      )
    ).data,
  update: async (projectId: string, patch: { name?: string; description?: string | null }) =>
    (
      await call(
        client.PATCH('/api/v1/projects/{projectId}', {
          params: { path: { projectId } },
          body: patch,
        }),
      )
    ).data,
  remove: async (projectId: string) => {
    await call(client.DELETE('/api/v1/projects/{projectId}', { params: { path: { projectId } } }));
  },
  /** A download link (the session cookie authenticates it; the answer is an attachment). */
  exportUrl: (projectId: string, format: 'json' | 'csv') =>
    `/api/v1/projects/${encodeURIComponent(projectId)}/export?format=${format}`,
  /**
   * A JSON file as it is (a project document, or a Trello board export), with the share sent:
   * the server reads the file as it arrives, so that is the share read.
   */
  importFile: (file: Blob, kind: 'document' | 'trello', onProgress: (sent: number) => void) =>
    sendFile<ImportFileResult>({
      url: kind === 'trello' ? '/api/v1/projects/import/trello' : '/api/v1/projects/import',
      body: file,
      contentType: 'application/json',
      expect: 201,
      onProgress,
    }),
  /** What an import of the CSV file would do (nothing is written). */
  previewCsv: async (projectId: string, body: CsvImportBody) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/import/csv/preview', {
          params: { path: { projectId } },
          body,
        }),
      )
    ).data,
  importCsv: async (projectId: string, body: CsvImportBody) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/import/csv', {
          params: { path: { projectId } },
          body,
        }),
      )
    ).data,
};

export type CsvImportBody =
  paths['/api/v1/projects/{projectId}/import/csv']['post']['requestBody']['content']['application/json'];

/** What a project import answers: a project document's, or a Trello board's (with `skipped`). */
export type ImportFileResult =
  | paths['/api/v1/projects/import']['post']['responses']['201']['content']['application/json']
  | paths['/api/v1/projects/import/trello']['post']['responses']['201']['content']['application/json'];

export const members = {
  list: async (projectId: string) =>
    (
      await call(
        client.GET('/api/v1/projects/{projectId}/members', { params: { path: { projectId } } }),
      )
    ).data.items,
  add: async (projectId: string, email: string, role: Role) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/members', {
          params: { path: { projectId } },
          body: { email, role },
        }),
      )
    ).data,
  update: async (projectId: string, userId: string, role: Role) =>
    (
      await call(
        client.PATCH('/api/v1/projects/{projectId}/members/{userId}', {
          params: { path: { projectId, userId } },
          body: { role },
        }),
      )
    ).data,
  remove: async (projectId: string, userId: string) => {
    await call(
      client.DELETE('/api/v1/projects/{projectId}/members/{userId}', {
        params: { path: { projectId, userId } },
      }),
    );
  },
};

export interface TaskWithEtag {
  task: Task;
  etag: string;
}

function withEtag(task: Task, response: Response): TaskWithEtag {
  return { task, etag: response.headers.get('etag') ?? `"${task.version}"` };
}

export const tasks = {
  mine: async (query: MyTaskQuery) =>
    (await call(client.GET('/api/v1/me/tasks', { params: { query } }))).data,
  list: async (projectId: string, query: TaskQuery, signal?: AbortSignal) =>
    (
      await call(
        client.GET('/api/v1/projects/{projectId}/tasks', {
          params: { path: { projectId }, query },
          signal,
        }),
      )
    ).data,
  create: async (projectId: string, input: TaskInput) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/tasks', {
          params: { path: { projectId } },
          body: input,
        }),
      )
    ).data,
  get: async (taskId: string): Promise<TaskWithEtag> => {
    const { data, response } = await call(
      client.GET('/api/v1/tasks/{taskId}', { params: { path: { taskId } } }),
    );
    return withEtag(data, response);
  },
  update: async (taskId: string, patch: TaskPatch, etag: string): Promise<TaskWithEtag> => {
    const { data, response } = await call(
      client.PATCH('/api/v1/tasks/{taskId}', {
        params: { path: { taskId } },
        body: patch,
        headers: { 'if-match': etag },
      }),
    );
    return withEtag(data, response);
  },
  remove: async (taskId: string) => {
    await call(client.DELETE('/api/v1/tasks/{taskId}', { params: { path: { taskId } } }));
  },
  /** Into board column `columnId` (the task takes its category as status), before `beforeId`. */
  move: async (taskId: string, columnId: string, beforeId?: string) =>
    (
      await call(
        client.POST('/api/v1/tasks/{taskId}/move', {
          params: { path: { taskId } },
          body: beforeId ? { columnId, beforeId } : { columnId },
        }),
      )
    ).data,
  /** Archives (true) or restores (false) one task; again is no error. */
  setArchived: async (taskId: string, archived: boolean, etag?: string) => {
    const init = { params: { path: { taskId } }, headers: etag ? { 'if-match': etag } : {} };
    const { data, response } = await call(
      archived
        ? client.POST('/api/v1/tasks/{taskId}/archive', init)
        : client.POST('/api/v1/tasks/{taskId}/restore', init),
    );
    return withEtag(data, response);
  },
  /** Archives every active task of a board column; answers how many. */
  archiveColumn: async (projectId: string, columnId: string) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/tasks/archive', {
          params: { path: { projectId } },
          body: { columnId },
        }),
      )
    ).data.archived,
};

export const columns = {
  /** The project's columns in board order. */
  list: async (projectId: string) =>
    (
      await call(
        client.GET('/api/v1/projects/{projectId}/columns', { params: { path: { projectId } } }),
      )
    ).data.items,
  create: async (projectId: string, input: ColumnInput) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/columns', {
          params: { path: { projectId } },
          body: input,
        }),
      )
    ).data,
  /** `beforeId` moves the column before that one (null: to the end). */
  update: async (columnId: string, patch: ColumnPatch) =>
    (
      await call(
        client.PATCH('/api/v1/columns/{columnId}', {
          params: { path: { columnId } },
          body: patch,
        }),
      )
    ).data,
  /** A column that holds tasks (archived ones too) needs `moveTo`: where they go (its end). */
  remove: async (columnId: string, moveTo?: string) => {
    await call(
      client.DELETE('/api/v1/columns/{columnId}', {
        params: { path: { columnId }, query: moveTo ? { moveTo } : {} },
      }),
    );
  },
};

export const labels = {
  list: async (projectId: string) =>
    (
      await call(
        client.GET('/api/v1/projects/{projectId}/labels', { params: { path: { projectId } } }),
      )
    ).data.items,
  create: async (projectId: string, name: string, color?: string) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/labels', {
          params: { path: { projectId } },
          body: color ? { name, color } : { name },
        }),
      )
    ).data,
  remove: async (labelId: string) => {
    await call(client.DELETE('/api/v1/labels/{labelId}', { params: { path: { labelId } } }));
  },
  update: async (labelId: string, patch: { name?: string; color?: string }) =>
    (
      await call(
        client.PATCH('/api/v1/labels/{labelId}', { params: { path: { labelId } }, body: patch }),
      )
    ).data,
  merge: async (labelId: string, into: string) =>
    (
      await call(
        client.POST('/api/v1/labels/{labelId}/merge', {
          params: { path: { labelId } },
          body: { into },
        }),
      )
    ).data,
};

export const comments = {
  list: async (taskId: string, cursor?: string) =>
    (
      await call(
        client.GET('/api/v1/tasks/{taskId}/comments', {
          params: { path: { taskId }, query: { limit: 100, cursor } },
        }),
      )
    ).data,
  create: async (taskId: string, body: string) =>
    (
      await call(
        client.POST('/api/v1/tasks/{taskId}/comments', {
          params: { path: { taskId } },
          body: { body },
        }),
      )
    ).data,
  remove: async (commentId: string) => {
    await call(client.DELETE('/api/v1/comments/{commentId}', { params: { path: { commentId } } }));
  },
};

export const checklist = {
  list: async (taskId: string) =>
    (await call(client.GET('/api/v1/tasks/{taskId}/checklist', { params: { path: { taskId } } })))
      .data.items,
  add: async (taskId: string, text: string) =>
    (
      await call(
        client.POST('/api/v1/tasks/{taskId}/checklist', {
          params: { path: { taskId } },
          body: { text },
        }),
      )
    ).data,
  update: async (itemId: string, change: ChecklistChange) =>
    (
      await call(
        client.PATCH('/api/v1/checklist-items/{itemId}', {
          params: { path: { itemId } },
          body: change,
        }),
      )
    ).data,
  remove: async (itemId: string) => {
    await call(client.DELETE('/api/v1/checklist-items/{itemId}', { params: { path: { itemId } } }));
  },
};

export const activity = {
  forTask: async (taskId: string, cursor?: string) =>
    (
      await call(
        client.GET('/api/v1/tasks/{taskId}/activity', {
          params: { path: { taskId }, query: { limit: 50, cursor } },
        }),
      )
    ).data,
};

/** A project's webhooks (owners). */
export const webhooks = {
  list: async (projectId: string) =>
    (
      await call(
        client.GET('/api/v1/projects/{projectId}/webhooks', { params: { path: { projectId } } }),
      )
    ).data.items,
  create: async (projectId: string, url: string, events: WebhookEvent[]) =>
    (
      await call(
        client.POST('/api/v1/projects/{projectId}/webhooks', {
          params: { path: { projectId } },
          body: { url, events },
        }),
      )
    ).data,
  setEnabled: async (webhookId: string, enabled: boolean) =>
    (
      await call(
        client.PATCH('/api/v1/webhooks/{webhookId}', {
          params: { path: { webhookId } },
          body: { enabled },
        }),
      )
    ).data,
  remove: async (webhookId: string) => {
    await call(client.DELETE('/api/v1/webhooks/{webhookId}', { params: { path: { webhookId } } }));
  },
  deliveries: async (webhookId: string) =>
    (
      await call(
        client.GET('/api/v1/webhooks/{webhookId}/deliveries', {
          params: { path: { webhookId }, query: { limit: 20 } },
        }),
      )
    ).data.items,
  sendTest: async (webhookId: string) =>
    (
      await call(
        client.POST('/api/v1/webhooks/{webhookId}/test', { params: { path: { webhookId } } }),
      )
    ).data,
  redeliver: async (webhookId: string, deliveryId: string) =>
    (
      await call(
        client.POST('/api/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver', {
          params: { path: { webhookId, deliveryId } },
        }),
      )
    ).data,
};

export const notifications = {
  list: async (query: { unread?: boolean; cursor?: string; limit?: number }) =>
    (await call(client.GET('/api/v1/notifications', { params: { query } }))).data,
  unreadCount: async () =>
    (await call(client.GET('/api/v1/notifications/unread-count'))).data.count,
  markRead: async (notificationId: string) => {
    await call(
      client.POST('/api/v1/notifications/{notificationId}/read', {
        params: { path: { notificationId } },
      }),
    );
  },
  markAllRead: async () => {
    await call(client.POST('/api/v1/notifications/read-all'));
  },
  settings: async () => (await call(client.GET('/api/v1/notifications/settings'))).data,
  saveSettings: async (settings: NotificationSettings) =>
    (await call(client.PUT('/api/v1/notifications/settings', { body: settings }))).data,
  watch: async (taskId: string) => {
    await call(client.PUT('/api/v1/tasks/{taskId}/watch', { params: { path: { taskId } } }));
  },
  unwatch: async (taskId: string) => {
    await call(client.DELETE('/api/v1/tasks/{taskId}/watch', { params: { path: { taskId } } }));
  },
};

export const search = {
  /** Tasks in all my projects matching the words (each a word prefix), best first. */
  tasks: async (query: SearchQuery, signal?: AbortSignal) =>
    (await call(client.GET('/api/v1/search', { params: { query }, signal }))).data,
};
