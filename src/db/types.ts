// Table types the Kysely way: one `Database` interface, `Generated<>` for defaults, `T | null`
// for nullable columns. Timestamps are UTC epoch milliseconds (BIGINT) so that the same
// migrations, indexes and comparisons work identically on SQLite and MySQL.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: 'admin' | 'user';
  created_at: number;
  updated_at: number;
}

export interface SessionsTable {
  id: string;
  token_hash: string;
  user_id: string;
  csrf_token: string;
  user_agent: string | null;
  ip: string | null;
  created_at: number;
  last_seen_at: number;
  expires_at: number;
}

export interface ApiTokensTable {
  id: string;
  user_id: string;
  name: string;
  token_hash: string;
  prefix: string;
  created_at: number;
  last_used_at: number | null;
}

export interface ProjectsTable {
  id: string;
  name: string;
  description: string | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

export type ProjectRole = 'owner' | 'editor' | 'viewer';

export interface ProjectMembersTable {
  project_id: string;
  user_id: string;
  role: ProjectRole;
  created_at: number;
}

export interface TasksTable {
  id: string;
  project_id: string;
  title: string;
  description: string | null;
  status: 'todo' | 'in_progress' | 'done';
  /** 0 low, 1 medium, 2 high, 3 urgent: a number so that sorting by priority uses an index. */
  priority: number;
  position: number;
  due_at: number | null;
  assignee_id: string | null;
  created_by: string;
  version: number;
  created_at: number;
  updated_at: number;
}

export interface LabelsTable {
  id: string;
  project_id: string;
  name: string;
  color: string;
  created_at: number;
}

export interface TaskLabelsTable {
  task_id: string;
  label_id: string;
}

export interface CommentsTable {
  id: string;
  task_id: string;
  author_id: string;
  body: string;
  created_at: number;
  updated_at: number;
}

export interface ActivityTable {
  id: string;
  project_id: string;
  task_id: string | null;
  actor_id: string;
  action: string;
  /** JSON text: what changed. */
  details: string | null;
  created_at: number;
}

/** The change feed between replicas (db/change-feed.ts). */
export interface ChangesTable {
  id: Generated<number>;
  topic: string;
  subject: string;
  created_at: number;
}

export interface Database {
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  tasks: TasksTable;
  labels: LabelsTable;
  task_labels: TaskLabelsTable;
  comments: CommentsTable;
  activity: ActivityTable;
  changes: ChangesTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type MemberRow = Selectable<ProjectMembersTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
export type LabelRow = Selectable<LabelsTable>;
export type CommentRow = Selectable<CommentsTable>;
