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
  /** Set while an admin has disabled the account: it cannot sign in or use a credential. */
  disabled_at: number | null;
  /** SHA-256 of the single-use reset link an admin issued (the password no longer works). */
  password_reset_hash: string | null;
  password_reset_expires_at: number | null;
}

/** A user's own settings of the web UI (features/preferences); no row means the defaults. */
export interface UserPreferencesTable {
  user_id: string;
  /** `en`, `es`, or NULL for the browser's language. */
  language: string | null;
  theme: 'system' | 'light' | 'dark';
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
  /** Null: the token does not expire. */
  expires_at: number | null;
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
  /** When the task was archived (off the board, restorable); null while active. */
  archived_at: number | null;
  /** The task's column (features/columns); null: the first column of its status. */
  column_id: string | null;
  created_at: number;
  updated_at: number;
}

/** A project's board column; `category` is the status its tasks have. */
export interface ProjectColumnsTable {
  id: string;
  project_id: string;
  name: string;
  color: string | null;
  category: 'todo' | 'in_progress' | 'done';
  /** Board order, 1…n. */
  position: number;
  wip_limit: number | null;
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

/** Items of a task's checklist (features/checklists), in `position` order. */
export interface ChecklistItemsTable {
  id: string;
  task_id: string;
  text: string;
  /** 0 or 1: the same integer on both databases. */
  done: number;
  position: number;
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

/** Single-use sign-up links made by admins (features/accounts). */
export interface InvitesTable {
  id: string;
  token_hash: string;
  /** Whom the invite is for, in the admin's words. */
  note: string | null;
  project_id: string | null;
  project_role: ProjectRole | null;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
}

/** The change feed between replicas (db/change-feed.ts). */
export interface ChangesTable {
  id: Generated<number>;
  topic: string;
  subject: string;
  /** A small JSON payload (a project's live event, features/live); null for a bare subject. */
  data: string | null;
  created_at: number;
}

/**
 * Sign-in limits shared by every replica (features/auth/login-limits.ts): the hits counted in a
 * bucket (a client address per route, an account) during the window that ends at reset_at.
 */
export interface LoginLimitsTable {
  bucket: string;
  hits: number;
  reset_at: number;
}

/** A project's webhook (features/webhooks). `secret` signs deliveries and is never sent back. */
export interface WebhooksTable {
  id: string;
  project_id: string;
  url: string;
  secret: string;
  /** JSON array of event names. */
  events: string;
  /** 1 or 0. */
  enabled: number;
  /** Failed attempts since the last success; at the limit the webhook is disabled. */
  consecutive_failures: Generated<number>;
  disabled_reason: string | null;
  disabled_at: number | null;
  created_by: string;
  created_at: number;
  updated_at: number;
}

/** The delivery queue and log (features/webhooks/webhooks.worker.ts). */
export interface WebhookDeliveriesTable {
  id: string;
  webhook_id: string;
  event: string;
  payload: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_attempt_at: number;
  /** A replica's claim: no other sends it before this time. */
  claimed_until: Generated<number>;
  claimed_by: string | null;
  redelivery_of: string | null;
  created_at: number;
  last_attempt_at: number | null;
  response_status: number | null;
  duration_ms: number | null;
  response_snippet: string | null;
  error: string | null;
}

/** Which account an OpenID Connect identity signs in to (features/auth/oidc.service.ts). */
export interface OidcIdentitiesTable {
  issuer: string;
  subject: string;
  user_id: string;
  created_at: number;
  last_login_at: number;
}

/** A single sign-on in flight, keyed by the hash of its browser cookie; used once. */
export interface OidcLoginsTable {
  id_hash: string;
  state: string;
  nonce: string;
  code_verifier: string;
  next_path: string;
  expires_at: number;
  /** SHA-256 of the invite this sign-in accepts (AUTH_MODE=oidc invites), if any. */
  invite_hash: string | null;
}

/** Who is told about changes of a task (features/notifications). */
export interface TaskWatchersTable {
  task_id: string;
  user_id: string;
  created_at: number;
}

/** One in-app notification of one user (activity-log/notifications.ts writes them). */
export interface NotificationsTable {
  id: string;
  user_id: string;
  project_id: string;
  task_id: string | null;
  actor_id: string | null;
  kind: 'assigned' | 'mentioned' | 'taskChanged' | 'commented' | 'dueSoon' | 'overdue';
  comment_id: string | null;
  read_at: number | null;
  created_at: number;
  email_state: 'pending' | 'sent' | 'failed' | null;
  email_claimed_until: Generated<number>;
  email_claimed_by: string | null;
}

/** The claim of one due reminder (features/notifications/due-reminders.ts). */
export interface DueRemindersTable {
  task_id: string;
  kind: 'dueSoon' | 'overdue';
  due_at: number;
  created_at: number;
}

/** A secret iCalendar URL (features/calendar); only the token's SHA-256 is kept. */
export interface CalendarFeedsTable {
  id: string;
  user_id: string;
  /** null: the user's own feed (tasks assigned to them). */
  project_id: string | null;
  token_hash: string;
  created_at: number;
  last_used_at: number | null;
}

/** A user's named filters of a project's board or list (features/views). */
export interface SavedViewsTable {
  id: string;
  user_id: string;
  project_id: string;
  name: string;
  view: 'board' | 'list';
  /** The filters as the web UI's query string (`assignee=…&label=…`), normalized. */
  query: string;
  created_at: number;
  updated_at: number;
}

export interface NotificationSettingsTable {
  user_id: string;
  /** JSON array of the kinds turned off in the inbox. */
  in_app_off: string;
  /** JSON array of the kinds not emailed. */
  email_off: string;
  language: string;
  updated_at: number;
}

/**
 * A file on a task (features/attachments); its bytes in `data` when `storage` is 'db', in the
 * object ATTACHMENTS_STORAGE's prefix + id when 's3' (`data` null).
 */
export interface AttachmentsTable {
  id: string;
  task_id: string;
  project_id: string;
  name: string;
  /** The type sniffed from the bytes when uploaded; the client's is never kept. */
  content_type: string;
  size: number;
  sha256: string;
  storage: 'db' | 's3';
  data: Buffer | null;
  uploaded_by: string;
  created_at: number;
}

/** The image attachment shown on a task's card (at most one per task). */
export interface TaskCoversTable {
  task_id: string;
  attachment_id: string;
}

export interface Database {
  users: UsersTable;
  user_preferences: UserPreferencesTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  projects: ProjectsTable;
  project_members: ProjectMembersTable;
  project_columns: ProjectColumnsTable;
  tasks: TasksTable;
  labels: LabelsTable;
  task_labels: TaskLabelsTable;
  comments: CommentsTable;
  checklist_items: ChecklistItemsTable;
  activity: ActivityTable;
  invites: InvitesTable;
  changes: ChangesTable;
  login_limits: LoginLimitsTable;
  webhooks: WebhooksTable;
  webhook_deliveries: WebhookDeliveriesTable;
  oidc_identities: OidcIdentitiesTable;
  oidc_logins: OidcLoginsTable;
  task_watchers: TaskWatchersTable;
  notifications: NotificationsTable;
  notification_settings: NotificationSettingsTable;
  due_reminders: DueRemindersTable;
  calendar_feeds: CalendarFeedsTable;
  saved_views: SavedViewsTable;
  attachments: AttachmentsTable;
  task_covers: TaskCoversTable;
}

export type UserRow = Selectable<UsersTable>;
export type SessionRow = Selectable<SessionsTable>;
export type ApiTokenRow = Selectable<ApiTokensTable>;
export type ProjectRow = Selectable<ProjectsTable>;
export type MemberRow = Selectable<ProjectMembersTable>;
export type ProjectColumnRow = Selectable<ProjectColumnsTable>;
export type TaskRow = Selectable<TasksTable>;
export type NewTask = Insertable<TasksTable>;
export type TaskUpdate = Updateable<TasksTable>;
export type LabelRow = Selectable<LabelsTable>;
export type CommentRow = Selectable<CommentsTable>;
export type ChecklistItemRow = Selectable<ChecklistItemsTable>;
export type InviteRow = Selectable<InvitesTable>;
export type WebhookRow = Selectable<WebhooksTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveriesTable>;
export type NotificationRow = Selectable<NotificationsTable>;
