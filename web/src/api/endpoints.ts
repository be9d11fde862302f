// Every API call the UI makes, one function each, in the order of the contract (issue 2).
import { request } from './http';
import type {
  Activity,
  ApiToken,
  Comment,
  Label,
  Member,
  Page,
  Project,
  Role,
  SessionInfo,
  SessionRow,
  Status,
  Task,
  TaskInput,
  TaskQuery,
} from './types';

const enc = encodeURIComponent;

export const auth = {
  me: async () => (await request<SessionInfo>('GET', '/auth/me', { allowAnonymous: true })).data,
  login: async (email: string, password: string) =>
    (
      await request<SessionInfo>('POST', '/auth/login', {
        body: { email, password },
        allowAnonymous: true,
      })
    ).data,
  register: async (email: string, name: string, password: string) =>
    (
      await request<SessionInfo>('POST', '/auth/register', {
        body: { email, name, password },
        allowAnonymous: true,
      })
    ).data,
  logout: async () => {
    await request<void>('POST', '/auth/logout', { allowAnonymous: true });
  },
  changePassword: async (currentPassword: string, newPassword: string) => {
    await request<unknown>('POST', '/auth/password', { body: { currentPassword, newPassword } });
  },
  sessions: async () => (await request<{ items: SessionRow[] }>('GET', '/auth/sessions')).data,
  endSession: async (id: string) => {
    await request<void>('DELETE', `/auth/sessions/${enc(id)}`);
  },
};

export const tokens = {
  list: async () => (await request<{ items: ApiToken[] }>('GET', '/tokens')).data.items,
  create: async (name: string) =>
    (await request<ApiToken & { token: string }>('POST', '/tokens', { body: { name } })).data,
  revoke: async (id: string) => {
    await request<void>('DELETE', `/tokens/${enc(id)}`);
  },
};

export const projects = {
  list: async () => (await request<{ items: Project[] }>('GET', '/projects')).data.items,
  get: async (id: string) => (await request<Project>('GET', `/projects/${enc(id)}`)).data,
  create: async (name: string, description?: string) =>
    (
      await request<Project>('POST', '/projects', {
        body: description ? { name, description } : { name },
      })
    ).data,
  update: async (id: string, patch: { name?: string; description?: string | null }) =>
    (await request<Project>('PATCH', `/projects/${enc(id)}`, { body: patch })).data,
  remove: async (id: string) => {
    await request<void>('DELETE', `/projects/${enc(id)}`);
  },
};

export const members = {
  list: async (projectId: string) =>
    (await request<{ items: Member[] }>('GET', `/projects/${enc(projectId)}/members`)).data.items,
  add: async (projectId: string, email: string, role: Role) =>
    (
      await request<Member>('POST', `/projects/${enc(projectId)}/members`, {
        body: { email, role },
      })
    ).data,
  update: async (projectId: string, userId: string, role: Role) =>
    (
      await request<Member>('PATCH', `/projects/${enc(projectId)}/members/${enc(userId)}`, {
        body: { role },
      })
    ).data,
  remove: async (projectId: string, userId: string) => {
    await request<void>('DELETE', `/projects/${enc(projectId)}/members/${enc(userId)}`);
  },
};

export interface TaskWithEtag {
  task: Task;
  etag: string;
}

export const tasks = {
  list: async (projectId: string, query: TaskQuery, signal?: AbortSignal) =>
    (
      await request<Page<Task>>('GET', `/projects/${enc(projectId)}/tasks`, {
        query: { ...query },
        signal,
      })
    ).data,
  create: async (projectId: string, input: TaskInput) =>
    (await request<Task>('POST', `/projects/${enc(projectId)}/tasks`, { body: input })).data,
  get: async (taskId: string): Promise<TaskWithEtag> => {
    const { data, headers } = await request<Task>('GET', `/tasks/${enc(taskId)}`);
    return { task: data, etag: headers.get('etag') ?? `"${data.version}"` };
  },
  update: async (
    taskId: string,
    patch: Partial<TaskInput>,
    etag: string,
  ): Promise<TaskWithEtag> => {
    const { data, headers } = await request<Task>('PATCH', `/tasks/${enc(taskId)}`, {
      body: patch,
      headers: { 'if-match': etag },
    });
    return { task: data, etag: headers.get('etag') ?? `"${data.version}"` };
  },
  remove: async (taskId: string) => {
    await request<void>('DELETE', `/tasks/${enc(taskId)}`);
  },
  move: async (taskId: string, status: Status, beforeId?: string) =>
    (
      await request<Task>('POST', `/tasks/${enc(taskId)}/move`, {
        body: beforeId ? { status, beforeId } : { status },
      })
    ).data,
};

export const labels = {
  list: async (projectId: string) =>
    (await request<{ items: Label[] }>('GET', `/projects/${enc(projectId)}/labels`)).data.items,
  create: async (projectId: string, name: string, color?: string) =>
    (
      await request<Label>('POST', `/projects/${enc(projectId)}/labels`, {
        body: color ? { name, color } : { name },
      })
    ).data,
  remove: async (labelId: string) => {
    await request<void>('DELETE', `/labels/${enc(labelId)}`);
  },
};

export const comments = {
  list: async (taskId: string) =>
    (await request<Page<Comment>>('GET', `/tasks/${enc(taskId)}/comments`)).data,
  create: async (taskId: string, body: string) =>
    (await request<Comment>('POST', `/tasks/${enc(taskId)}/comments`, { body: { body } })).data,
  remove: async (commentId: string) => {
    await request<void>('DELETE', `/comments/${enc(commentId)}`);
  },
};

export const activity = {
  list: async (projectId: string, query: { taskId?: string; cursor?: string; limit?: number }) =>
    (
      await request<Page<Activity>>('GET', `/projects/${enc(projectId)}/activity`, {
        query: { ...query },
      })
    ).data,
};
