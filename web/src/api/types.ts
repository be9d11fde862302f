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
export type Label = Schemas['Label'];
export type Comment = Schemas['Comment'];
export type Status = Task['status'];
export type Priority = Task['priority'];
export type Role = Project['role'];
export type SessionInfo = Ok<'/api/v1/auth/me', 'get'>;
export type Member = Ok<'/api/v1/projects/{projectId}/members', 'get'>['items'][number];
export type Activity = Ok<'/api/v1/tasks/{taskId}/activity', 'get'>['items'][number];
export type ApiToken = Ok<'/api/v1/tokens', 'get'>['items'][number];
export type NewApiToken = Ok<'/api/v1/tokens', 'post'>;
export type SessionRow = Ok<'/api/v1/auth/sessions', 'get'>['items'][number];
export type TaskQuery = NonNullable<
  paths['/api/v1/projects/{projectId}/tasks']['get']['parameters']['query']
>;
export type TaskSort = NonNullable<TaskQuery['sort']>;
export type TaskInput = NonNullable<
  paths['/api/v1/projects/{projectId}/tasks']['post']['requestBody']
>['content']['application/json'];
export type TaskPatch = NonNullable<
  paths['/api/v1/tasks/{taskId}']['patch']['requestBody']
>['content']['application/json'];

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const STATUSES: readonly Status[] = ['todo', 'in_progress', 'done'];
export const PRIORITIES: readonly Priority[] = ['low', 'medium', 'high', 'urgent'];
export const ROLES: readonly Role[] = ['owner', 'editor', 'viewer'];
