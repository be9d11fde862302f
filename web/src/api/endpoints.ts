// Every API call the UI makes, one function each, typed end to end by the generated schema.
import { call, client } from './http';
import type { Role, Status, Task, TaskInput, TaskPatch, TaskQuery } from './types';

export const auth = {
  me: async () => (await call(client.GET('/api/v1/auth/me'), { allowAnonymous: true })).data,
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
  sessions: async () => (await call(client.GET('/api/v1/auth/sessions'))).data.items,
  endSession: async (id: string) => {
    await call(client.DELETE('/api/v1/auth/sessions/{id}', { params: { path: { id } } }));
  },
};

export const tokens = {
  list: async () => (await call(client.GET('/api/v1/tokens'))).data.items,
  create: async (name: string) =>
    (await call(client.POST('/api/v1/tokens', { body: { name } }))).data,
  revoke: async (id: string) => {
    await call(client.DELETE('/api/v1/tokens/{id}', { params: { path: { id } } }));
  },
};

export const projects = {
  list: async () => {
    const items = [];
    let cursor: string | undefined;
    do {
      const { data } = await call(
        client.GET('/api/v1/projects', { params: { query: { limit: 200, cursor } } }),
      );
      items.push(...data.items);
      cursor = data.nextCursor ?? undefined;
    } while (cursor);
    return items;
  },
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
};

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
  move: async (taskId: string, status: Status, beforeId?: string) =>
    (
      await call(
        client.POST('/api/v1/tasks/{taskId}/move', {
          params: { path: { taskId } },
          body: beforeId ? { status, beforeId } : { status },
        }),
      )
    ).data,
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
