// The shapes the UI uses, taken from the service's OpenAPI document (schema.d.ts is generated
// from /api/v1/openapi.json), so that a change in the API fails the type check here.
import type { components, paths } from './schema';

type Schemas = components['schemas'];
type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  responses: { 200: infer R };
}
  ? Json<R>
  : paths[P][M] extends { responses: { 201: infer R } }
    ? Json<R>
    : never;

export type User = Schemas['User'];
export type Project = Schemas['Project'];
export type Task = Schemas['Task'];
/** A board column of a project; its category is the status of the tasks in it. */
export type Column = Schemas['Column'];
export type Label = Schemas['Label'];
export type Comment = Schemas['Comment'];
export type ChecklistItem = Schemas['ChecklistItem'];
export type Notification = Schemas['Notification'];
export type NotificationSettings = Ok<'/api/v1/notifications/settings', 'get'>;
export type Status = Task['status'];
export type Priority = Task['priority'];
export type Role = Project['role'];
export type SessionInfo = Ok<'/api/v1/auth/me', 'get'>;
export type Member = Ok<'/api/v1/projects/{projectId}/members', 'get'>['items'][number];
export type Activity = Ok<'/api/v1/tasks/{taskId}/activity', 'get'>['items'][number];
export type ApiToken = Ok<'/api/v1/tokens', 'get'>['items'][number];
export type NewApiToken = Ok<'/api/v1/tokens', 'post'>;
export type SavedView = Schemas['SavedView'];
export type NewSavedView = Pick<SavedView, 'name' | 'view' | 'query'>;
export type CalendarFeed = Ok<'/api/v1/calendar-feeds', 'get'>['items'][number];
export type SessionRow = Ok<'/api/v1/auth/sessions', 'get'>['items'][number];
export type TokenLifetime = NonNullable<
  paths['/api/v1/tokens']['post']['requestBody']
>['content']['application/json']['expiresInDays'];
export type Preferences = Ok<'/api/v1/me/preferences', 'get'>;
export type Theme = Preferences['theme'];
export type AdminUser = Ok<'/api/v1/admin/users', 'get'>['items'][number];
export type UserChange = NonNullable<
  paths['/api/v1/admin/users/{userId}']['patch']['requestBody']
>['content']['application/json'];
export type PasswordResetLink = Ok<'/api/v1/admin/users/{userId}/password-reset', 'post'>;
export type Invite = Ok<'/api/v1/admin/invites', 'get'>['items'][number];
export type InviteInput = NonNullable<
  paths['/api/v1/admin/invites']['post']['requestBody']
>['content']['application/json'];
export type InviteLifetime = NonNullable<InviteInput['expiresInDays']>;
export type TaskQuery = NonNullable<
  paths['/api/v1/projects/{projectId}/tasks']['get']['parameters']['query']
>;
export type MyTaskQuery = NonNullable<paths['/api/v1/me/tasks']['get']['parameters']['query']>;
export type TaskSort = NonNullable<TaskQuery['sort']>;
export type TaskInput = NonNullable<
  paths['/api/v1/projects/{projectId}/tasks']['post']['requestBody']
>['content']['application/json'];
export type TaskPatch = NonNullable<
  paths['/api/v1/tasks/{taskId}']['patch']['requestBody']
>['content']['application/json'];
export type ColumnInput = NonNullable<
  paths['/api/v1/projects/{projectId}/columns']['post']['requestBody']
>['content']['application/json'];
export type ColumnPatch = NonNullable<
  paths['/api/v1/columns/{columnId}']['patch']['requestBody']
>['content']['application/json'];
export type ChecklistChange = NonNullable<
  paths['/api/v1/checklist-items/{itemId}']['patch']['requestBody']
>['content']['application/json'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** One task found by the search across all my projects, best first. */
export type SearchHit = Schemas['SearchHit'];
export type SearchQuery = NonNullable<paths['/api/v1/search']['get']['parameters']['query']>;

export const STATUSES: readonly Status[] = ['todo', 'in_progress', 'done'];
export const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'urgent'];
export const ROLES: readonly Role[] = ['owner', 'editor', 'viewer'];
/** The lifetimes the service offers for API tokens (null: none) and invite links. */
export const TOKEN_LIFETIMES: readonly TokenLifetime[] = [30, 90, 365, null];
export const INVITE_LIFETIMES: readonly InviteLifetime[] = [1, 7, 30];
export type Webhook = Schemas['Webhook'];
export type WebhookEvent = Webhook['events'][number];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type NewWebhook = Ok<'/api/v1/projects/{projectId}/webhooks', 'post'>;
export const WEBHOOK_EVENTS: readonly WebhookEvent[] = [
  'task.created',
  'task.updated',
  'task.moved',
  'task.deleted',
  'comment.created',
];
