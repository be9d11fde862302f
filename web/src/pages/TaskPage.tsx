// A task on its own URL: every field, labels, comments and activity. Saves send If-Match; a 412
// (someone else saved first) shows their version next to the user's and lets them reapply theirs.
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import {
  activity as activityApi,
  comments as commentsApi,
  labels as labelsApi,
  tasks as tasksApi,
  type TaskWithEtag,
} from '../api/endpoints';
import { ApiError } from '../api/http';
import type { Activity, Comment, Priority, Status, Task, TaskInput } from '../api/types';
import { PRIORITIES, STATUSES } from '../api/types';
import { Avatar } from '../components/Avatar';
import { LabelChip, PriorityBadge, StatusBadge } from '../components/Badges';
import { ConfirmDialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { EmptyState, ErrorState, InlineError, Loading } from '../components/States';
import { useAuth } from '../lib/auth';
import { describeError } from '../lib/errors';
import {
  formatDate,
  formatDateTime,
  fromDateInput,
  isOverdue,
  relativeTime,
  toDateInput,
} from '../lib/format';
import { useProject } from '../lib/project';
import { Link, navigate } from '../lib/router';
import { useToast } from '../lib/toast';
import { useAsync } from '../lib/useAsync';

interface Draft {
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  due: string;
  assigneeId: string;
  labelIds: string[];
}

type Field = keyof Draft;
const FIELDS: Field[] = [
  'title',
  'description',
  'status',
  'priority',
  'due',
  'assigneeId',
  'labelIds',
];

function draftOf(task: Task): Draft {
  return {
    title: task.title,
    description: task.description ?? '',
    status: task.status,
    priority: task.priority,
    due: toDateInput(task.dueAt),
    assigneeId: task.assigneeId ?? '',
    labelIds: task.labels.map((l) => l.id).sort(),
  };
}

function sameValue(a: Draft[Field], b: Draft[Field]): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);
  }
  return a === b;
}

function changedFields(draft: Draft, base: Draft): Field[] {
  return FIELDS.filter((field) => !sameValue(draft[field], base[field]));
}

function toPatch(draft: Draft, fields: Field[]): Partial<TaskInput> {
  const patch: Partial<TaskInput> = {};
  for (const field of fields) {
    switch (field) {
      case 'title':
        patch.title = draft.title.trim();
        break;
      case 'description':
        patch.description = draft.description;
        break;
      case 'status':
        patch.status = draft.status;
        break;
      case 'priority':
        patch.priority = draft.priority;
        break;
      case 'due':
        patch.dueAt = draft.due ? fromDateInput(draft.due) : null;
        break;
      case 'assigneeId':
        patch.assigneeId = draft.assigneeId || null;
        break;
      case 'labelIds':
        patch.labels = draft.labelIds;
        break;
    }
  }
  return patch;
}

interface Conflict {
  theirs: Task;
  fields: Field[];
}

export default function TaskPage({ taskId }: { taskId: string }) {
  const { t } = useTranslation();
  const state = useAsync(() => tasksApi.get(taskId), [taskId]);
  if (state.error !== undefined) {
    return (
      <>
        <h1 className="visually-hidden">{t('task.loadFailed')}</h1>
        <ErrorState error={state.error} onRetry={state.reload} />
      </>
    );
  }
  if (!state.data) return <Loading />;
  return <TaskEditor initial={state.data} />;
}

function TaskEditor({ initial }: { initial: TaskWithEtag }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, members, labels, canEdit, memberName, setLabels } = useProject();
  const [current, setCurrent] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial.task));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [conflict, setConflict] = useState<Conflict | undefined>(undefined);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [newLabel, setNewLabel] = useState('');
  const [activityVersion, setActivityVersion] = useState(0);

  const task = current.task;
  const base = draftOf(task);
  const dirty = changedFields(draft, base);
  const boardHref = `/projects/${encodeURIComponent(project.id)}`;

  // Leaving with unsaved edits asks first; nothing is silently lost.
  useEffect(() => {
    if (dirty.length === 0) return;
    const onBeforeUnload = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, [dirty.length]);

  const set = <K extends Field>(field: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [field]: value }));

  const save = async (fields: Field[], etag: string) => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await tasksApi.update(task.id, toPatch(draft, fields), etag);
      setCurrent(saved);
      setDraft(draftOf(saved.task));
      setConflict(undefined);
      setActivityVersion((v) => v + 1);
      toast.success(t('task.saved'));
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PRECONDITION_FAILED') {
        try {
          const latest = await tasksApi.get(task.id);
          setCurrent(latest);
          // Keep the user's edits; take everything else from the newer version.
          setDraft((d) => {
            const theirs = draftOf(latest.task);
            const merged = { ...theirs };
            for (const field of fields) (merged as Record<Field, unknown>)[field] = d[field];
            return merged;
          });
          setConflict({ theirs: latest.task, fields });
        } catch (reloadError) {
          setSaveError(reloadError);
        }
      } else {
        setSaveError(error);
      }
    } finally {
      setSaving(false);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (dirty.length > 0) void save(dirty, current.etag);
  };

  const remove = async () => {
    try {
      await tasksApi.remove(task.id);
      toast.success(t('task.deleted', { title: task.title }));
      navigate(boardHref);
    } catch (error) {
      setConfirmDelete(false);
      toast.error(describeError(error, t));
    }
  };

  const addLabel = async () => {
    const name = newLabel.trim();
    if (!name) return;
    try {
      const label = await labelsApi.create(project.id, name);
      setLabels([...labels, label]);
      set('labelIds', [...draft.labelIds, label.id]);
      setNewLabel('');
    } catch (error) {
      toast.error(describeError(error, t));
    }
  };

  const overdue = isOverdue({ dueAt: fromDateInput(draft.due), status: draft.status });
  const assigneeName = memberName(task.assigneeId);

  return (
    <div className="task-page">
      <div className="task-heading">
        <Link to={boardHref} className="back-link">
          <Icon name="back" />
          {t('task.backToBoard')}
        </Link>
        <h1 className="task-title">{task.title}</h1>
        <p className="muted task-dates">
          {t('task.createdUpdated', {
            created: formatDateTime(task.createdAt, i18n.language),
            updated: relativeTime(task.updatedAt, i18n.language),
          })}
        </p>
      </div>

      {conflict && (
        <ConflictPanel
          conflict={conflict}
          draft={draft}
          saving={saving}
          onReapply={() => void save(conflict.fields, current.etag)}
          onKeepTheirs={() => {
            setDraft(draftOf(conflict.theirs));
            setConflict(undefined);
          }}
        />
      )}

      <div className="task-columns">
        <div className="task-column">
          {canEdit ? (
            <form
              id="task-form"
              className="card task-main"
              onSubmit={submit}
              aria-label={t('task.editForm')}
            >
              <div className="field">
                <label htmlFor="task-title">{t('task.title')}</label>
                <input
                  id="task-title"
                  className="input-large"
                  required
                  maxLength={200}
                  value={draft.title}
                  onChange={(event) => set('title', event.target.value)}
                />
              </div>
              <div className="field">
                <label htmlFor="task-description">{t('task.description')}</label>
                <textarea
                  id="task-description"
                  rows={8}
                  maxLength={20000}
                  placeholder={t('task.descriptionPlaceholder')}
                  value={draft.description}
                  onChange={(event) => set('description', event.target.value)}
                />
              </div>
            </form>
          ) : (
            <div className="card task-main">
              <h2 className="section-title">{t('task.description')}</h2>
              {task.description ? (
                <p className="prewrap">{task.description}</p>
              ) : (
                <p className="muted">{t('task.noDescription')}</p>
              )}
            </div>
          )}
          <Comments taskId={task.id} />
        </div>
        <div className="task-column task-column-side">
          {canEdit ? (
            <div className="card task-side">
              <div className="field">
                <label htmlFor="task-status">{t('task.status')}</label>
                <select
                  id="task-status"
                  form="task-form"
                  value={draft.status}
                  onChange={(event) => set('status', event.target.value as Status)}
                >
                  {STATUSES.map((s) => (
                    <option key={s} value={s}>
                      {t(`status.${s}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="task-priority">{t('task.priority')}</label>
                <select
                  id="task-priority"
                  form="task-form"
                  value={draft.priority}
                  onChange={(event) => set('priority', event.target.value as Priority)}
                >
                  {PRIORITIES.map((p) => (
                    <option key={p} value={p}>
                      {t(`priority.${p}`)}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="task-assignee">{t('task.assignee')}</label>
                <select
                  id="task-assignee"
                  form="task-form"
                  value={draft.assigneeId}
                  onChange={(event) => set('assigneeId', event.target.value)}
                >
                  <option value="">{t('task.unassigned')}</option>
                  {members.map((m) => (
                    <option key={m.userId} value={m.userId}>
                      {m.name}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor="task-due">{t('task.due')}</label>
                <input
                  id="task-due"
                  form="task-form"
                  type="date"
                  value={draft.due}
                  aria-describedby={overdue ? 'task-due-overdue' : undefined}
                  className={overdue ? 'input-overdue' : undefined}
                  onChange={(event) => set('due', event.target.value)}
                />
                {overdue && (
                  <p id="task-due-overdue" className="overdue-note">
                    <Icon name="clock" size={14} />
                    {t('task.overdue')}
                  </p>
                )}
              </div>
              <fieldset className="field label-picker">
                <legend>{t('task.labels')}</legend>
                {labels.length === 0 && <p className="muted">{t('task.noLabels')}</p>}
                <div className="label-options">
                  {labels.map((label) => {
                    const checked = draft.labelIds.includes(label.id);
                    return (
                      <label key={label.id} className={`label-option${checked ? ' checked' : ''}`}>
                        <input
                          type="checkbox"
                          form="task-form"
                          checked={checked}
                          onChange={() =>
                            set(
                              'labelIds',
                              checked
                                ? draft.labelIds.filter((id) => id !== label.id)
                                : [...draft.labelIds, label.id],
                            )
                          }
                        />
                        <LabelChip label={label} />
                      </label>
                    );
                  })}
                </div>
                <div className="inline-add">
                  <label htmlFor="new-label" className="visually-hidden">
                    {t('task.newLabel')}
                  </label>
                  <input
                    id="new-label"
                    placeholder={t('task.newLabel')}
                    maxLength={50}
                    value={newLabel}
                    onChange={(event) => setNewLabel(event.target.value)}
                    onKeyDown={(event) => {
                      if (event.key === 'Enter') {
                        event.preventDefault();
                        void addLabel();
                      }
                    }}
                  />
                  <button
                    type="button"
                    className="button"
                    onClick={() => void addLabel()}
                    disabled={!newLabel.trim()}
                  >
                    {t('task.addLabel')}
                  </button>
                </div>
              </fieldset>
              <InlineError error={saveError} />
              <div className="save-bar">
                <span className="muted" aria-live="polite">
                  {dirty.length > 0 ? t('task.unsaved') : t('task.allSaved')}
                </span>
                <div className="save-actions">
                  <button
                    type="button"
                    className="button button-ghost"
                    disabled={dirty.length === 0 || saving}
                    onClick={() => {
                      setDraft(base);
                      setSaveError(undefined);
                    }}
                  >
                    {t('task.discard')}
                  </button>
                  <button
                    type="submit"
                    form="task-form"
                    className="button button-primary"
                    disabled={dirty.length === 0 || saving || !draft.title.trim()}
                  >
                    {saving ? t('task.saving') : t('common.save')}
                  </button>
                </div>
              </div>
              <button
                type="button"
                className="button button-danger-ghost"
                onClick={() => setConfirmDelete(true)}
              >
                <Icon name="trash" />
                {t('task.delete')}
              </button>
            </div>
          ) : (
            <div className="card task-side">
              <dl className="properties">
                <dt>{t('task.status')}</dt>
                <dd>
                  <StatusBadge status={task.status} />
                </dd>
                <dt>{t('task.priority')}</dt>
                <dd>
                  <PriorityBadge priority={task.priority} />
                </dd>
                <dt>{t('task.assignee')}</dt>
                <dd>
                  {assigneeName && task.assigneeId ? (
                    <span className="person">
                      <Avatar id={task.assigneeId} name={assigneeName} size="sm" />
                      {assigneeName}
                    </span>
                  ) : (
                    <span className="muted">{t('task.unassigned')}</span>
                  )}
                </dd>
                <dt>{t('task.due')}</dt>
                <dd>
                  {task.dueAt ? (
                    <span className={`due${isOverdue(task) ? ' due-overdue' : ''}`}>
                      {formatDate(task.dueAt, i18n.language)}
                      {isOverdue(task) && ` · ${t('task.overdue')}`}
                    </span>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </dd>
                <dt>{t('task.labels')}</dt>
                <dd className="chips">
                  {task.labels.length === 0 && <span className="muted">—</span>}
                  {task.labels.map((l) => (
                    <LabelChip key={l.id} label={l} />
                  ))}
                </dd>
              </dl>
              <p className="muted readonly-note">{t('task.readOnly')}</p>
            </div>
          )}
          <ActivityFeed taskId={task.id} version={activityVersion} />
        </div>
      </div>

      <ConfirmDialog
        open={confirmDelete}
        title={t('task.deleteTitle')}
        message={t('task.deleteConfirm', { title: task.title })}
        confirmLabel={t('task.delete')}
        onClose={() => setConfirmDelete(false)}
        onConfirm={() => void remove()}
      />
    </div>
  );
}

function ConflictPanel({
  conflict,
  draft,
  saving,
  onReapply,
  onKeepTheirs,
}: {
  conflict: Conflict;
  draft: Draft;
  saving: boolean;
  onReapply: () => void;
  onKeepTheirs: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { labels, memberName } = useProject();
  const theirs = draftOf(conflict.theirs);
  const show = (field: Field, value: Draft[Field]): string => {
    if (Array.isArray(value)) {
      const names = value.map((id) => labels.find((l) => l.id === id)?.name ?? id);
      return names.length ? names.join(', ') : '—';
    }
    if (field === 'status') return t(`status.${value as Status}`);
    if (field === 'priority') return t(`priority.${value as Priority}`);
    if (field === 'assigneeId') return memberName(value) ?? t('task.unassigned');
    if (field === 'due') return value ? formatDate(fromDateInput(value), i18n.language) : '—';
    return value || '—';
  };
  const fieldLabel: Record<Field, string> = {
    title: t('task.title'),
    description: t('task.description'),
    status: t('task.status'),
    priority: t('task.priority'),
    due: t('task.due'),
    assigneeId: t('task.assignee'),
    labelIds: t('task.labels'),
  };
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">
        <Icon name="alert" />
        {t('conflict.title')}
      </h2>
      <p>{t('conflict.text')}</p>
      <div className="table-wrap">
        <table className="table conflict-table">
          <thead>
            <tr>
              <th scope="col">{t('conflict.field')}</th>
              <th scope="col">{t('conflict.theirs')}</th>
              <th scope="col">{t('conflict.yours')}</th>
            </tr>
          </thead>
          <tbody>
            {conflict.fields.map((field) => (
              <tr key={field}>
                <th scope="row">{fieldLabel[field]}</th>
                <td className="prewrap" data-testid={`theirs-${field}`}>
                  {show(field, theirs[field])}
                </td>
                <td className="prewrap" data-testid={`yours-${field}`}>
                  {show(field, draft[field])}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="conflict-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={onReapply}
          disabled={saving}
        >
          {t('conflict.reapply')}
        </button>
        <button type="button" className="button" onClick={onKeepTheirs} disabled={saving}>
          {t('conflict.keepTheirs')}
        </button>
      </div>
    </section>
  );
}

function Comments({ taskId }: { taskId: string }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { user } = useAuth();
  const { canEdit, isOwner } = useProject();
  const list = useAsync(() => commentsApi.list(taskId), [taskId]);
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    setBusy(true);
    setError(undefined);
    try {
      const comment = await commentsApi.create(taskId, text);
      list.setData((page) => ({
        items: [...(page?.items ?? []), comment],
        nextCursor: page?.nextCursor ?? null,
      }));
      setBody('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (comment: Comment) => {
    try {
      await commentsApi.remove(comment.id);
      list.setData((page) => ({
        items: (page?.items ?? []).filter((c) => c.id !== comment.id),
        nextCursor: page?.nextCursor ?? null,
      }));
      toast.success(t('comments.deleted'));
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  return (
    <section className="card comments" aria-labelledby="comments-title">
      <h2 id="comments-title" className="section-title">
        <Icon name="chat" />
        {t('comments.title')}
        {list.data && <span className="count">{list.data.items.length}</span>}
      </h2>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="muted">{t('comments.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ol className="comment-list">
          {list.data.items.map((comment) => {
            const name = comment.author.name;
            return (
              <li key={comment.id} className="comment">
                <Avatar id={comment.author.id} name={name} />
                <div className="comment-content">
                  <div className="comment-meta">
                    <strong>{name}</strong>
                    <time
                      dateTime={comment.createdAt}
                      title={formatDateTime(comment.createdAt, i18n.language)}
                    >
                      {relativeTime(comment.createdAt, i18n.language)}
                    </time>
                    {(comment.author.id === user?.id || isOwner) && canEdit && (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => void remove(comment)}
                        aria-label={t('comments.deleteBy', { name })}
                      >
                        {t('comments.delete')}
                      </button>
                    )}
                  </div>
                  <p className="prewrap comment-body">{comment.body}</p>
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {canEdit && (
        <form className="comment-form" onSubmit={(event) => void submit(event)}>
          <label htmlFor="comment-body" className="visually-hidden">
            {t('comments.add')}
          </label>
          <textarea
            id="comment-body"
            rows={3}
            maxLength={20000}
            placeholder={t('comments.placeholder')}
            value={body}
            onChange={(event) => setBody(event.target.value)}
          />
          <InlineError error={error} />
          <button type="submit" className="button button-primary" disabled={busy || !body.trim()}>
            {t('comments.submit')}
          </button>
        </form>
      )}
    </section>
  );
}

function ActivityFeed({ taskId, version }: { taskId: string; version: number }) {
  const { t, i18n } = useTranslation();
  const feed = useAsync(async () => (await activityApi.forTask(taskId)).items, [taskId, version]);
  return (
    <section className="card activity" aria-labelledby="activity-title">
      <h2 id="activity-title" className="section-title">
        <Icon name="clock" />
        {t('activity.title')}
      </h2>
      {feed.error !== undefined && <ErrorState error={feed.error} onRetry={feed.reload} />}
      {feed.loading && !feed.data && <Loading />}
      {feed.data && feed.data.length === 0 && <EmptyState title={t('activity.empty')} />}
      {feed.data && feed.data.length > 0 && (
        <ol className="activity-list">
          {feed.data.map((item) => (
            <li key={item.id}>
              <span className="activity-dot" aria-hidden="true" />
              <span>
                <strong>{item.actor.name}</strong> {describeActivity(item, t)}
              </span>
              <time
                className="muted"
                dateTime={item.createdAt}
                title={formatDateTime(item.createdAt, i18n.language)}
              >
                {relativeTime(item.createdAt, i18n.language)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

const FIELD_KEYS = {
  title: 'task.title',
  description: 'task.description',
  status: 'task.status',
  priority: 'task.priority',
  dueAt: 'task.due',
  assigneeId: 'task.assignee',
  labels: 'task.labels',
} as const;

function describeActivity(item: Activity, t: TFunction): string {
  const details = item.details;
  const statusName = (value: unknown) =>
    typeof value === 'string' && (STATUSES as readonly string[]).includes(value)
      ? t(`status.${value as Status}`)
      : String(value);
  switch (item.action) {
    case 'task.created':
      return t('activity.actions.task_created');
    case 'task.moved':
      return details.from === details.to
        ? t('activity.actions.task_reordered', { to: statusName(details.to) })
        : t('activity.actions.task_moved', {
            from: statusName(details.from),
            to: statusName(details.to),
          });
    case 'task.updated': {
      const fields = Array.isArray(details.fields) ? (details.fields as unknown[]) : [];
      const names = fields
        .map((f) =>
          typeof f === 'string' && f in FIELD_KEYS
            ? t(FIELD_KEYS[f as keyof typeof FIELD_KEYS])
            : null,
        )
        .filter((n): n is string => n !== null)
        .map((n) => n.toLowerCase());
      return names.length > 0
        ? t('activity.actions.task_updated_fields', { fields: names.join(', ') })
        : t('activity.actions.task_updated');
    }
    case 'task.deleted':
      return t('activity.actions.task_deleted');
    case 'comment.added':
      return t('activity.actions.comment_added');
    case 'comment.deleted':
      return t('activity.actions.comment_deleted');
    default:
      return item.action;
  }
}
