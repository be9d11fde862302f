// The shapes the UI uses, named after the API contract (issue 2). Each one is checked against the
// service's generated OpenAPI types in ./endpoints.ts, so a drift in the API fails the type check.
export type Role = 'owner' | 'editor' | 'viewer';
export type Status = 'todo' | 'in_progress' | 'done';
export type Priority = 'low' | 'medium' | 'high' | 'urgent';

export const STATUSES: readonly Status[] = ['todo', 'in_progress', 'done'];
export const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'urgent'];
export const ROLES: readonly Role[] = ['owner', 'editor', 'viewer'];

export interface User {
  id: string;
  email: string;
  name: string;
}

export interface SessionInfo {
  user: User;
  csrfToken: string;
}

export interface Project {
  id: string;
  name: string;
  description: string | null;
  role?: Role;
  createdAt: string;
  updatedAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
}

export interface Label {
  id: string;
  name: string;
  color?: string | null;
}

export interface Task {
  id: string;
  projectId: string;
  title: string;
  description: string | null;
  status: Status;
  priority: Priority;
  dueAt: string | null;
  assigneeId: string | null;
  labels: Label[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface Comment {
  id: string;
  taskId: string;
  authorId: string;
  authorName?: string;
  body: string;
  createdAt: string;
}

export interface Activity {
  id: string;
  projectId: string;
  taskId: string | null;
  actorId: string | null;
  actorName?: string;
  action: string;
  details?: Record<string, unknown> | null;
  createdAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt?: string | null;
}

export interface SessionRow {
  id: string;
  createdAt: string;
  lastSeenAt?: string;
  userAgent?: string | null;
  current?: boolean;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface TaskQuery {
  status?: Status;
  assigneeId?: string;
  label?: string;
  q?: string;
  dueBefore?: string;
  sort?: string;
  limit?: number;
  cursor?: string;
}

export interface TaskInput {
  title: string;
  description?: string | null;
  status?: Status;
  priority?: Priority;
  dueAt?: string | null;
  assigneeId?: string | null;
  labels?: string[];
}
