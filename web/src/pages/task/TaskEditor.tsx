// The loaded task: the draft being edited, saved as it changes (autosave, issue 14: a pause in
// typing, at once for a picked value) with If-Match and the 412 conflict flow, and the layout of
// the page (main column: text and comments; side column: properties and activity).
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { columns as columnsApi, tasks as tasksApi, type TaskWithEtag } from '../../api/endpoints';
import type { Column } from '../../api/types';
import { ApiError } from '../../api/http';
import { ConfirmDialog } from '../../components/Dialog';
import { TextField } from '../../components/form/Field';
import { Icon } from '../../components/Icon';
import { MarkdownText } from '../../components/MarkdownText';
import { describeError } from '../../lib/errors';
import { formatDateTime, relativeTime } from '../../lib/format';
import { flashTasks, useLiveEvents } from '../../lib/live';
import { useProject } from '../../lib/project';
import { Link, navigate } from '../../lib/router';
import { useToast } from '../../lib/toast';
import { ActivityFeed } from './ActivityFeed';
import { Attachments } from './Attachments';
import { Checklist } from './Checklist';
import { Comments } from './Comments';
import { ConflictPanel } from './ConflictPanel';
import { DescriptionField } from './DescriptionField';
import {
  changedFields,
  draftOf,
  toPatch,
  type Conflict,
  type Draft,
  type DraftField,
} from './draft';
import { TaskProperties } from './TaskProperties';
import { WatchToggle } from './WatchToggle';
import { TaskSideForm } from './TaskSideForm';

/** How long typing pauses before a typed field is saved (ms); a picked value is saved at once. */
const TYPING_PAUSE_MS = 700;
const TYPED: readonly DraftField[] = ['title', 'description'];

export function TaskEditor({
  initial,
  columns: initialColumns,
}: {
  initial: TaskWithEtag;
  /** The project's columns, in board order: the choices of Status. */
  columns: Column[];
}) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, canEdit } = useProject();
  const [current, setCurrent] = useState(initial);
  const [columns, setColumns] = useState(initialColumns);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial.task));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [conflict, setConflict] = useState<Conflict | undefined>(undefined);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [archiving, setArchiving] = useState(false);
  const [activityVersion, setActivityVersion] = useState(0);
  // The values the last save replaced: "Undo" puts them back (and that is saved in turn).
  const [undo, setUndo] = useState<Partial<Draft> | undefined>(undefined);

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

  const set = <K extends DraftField>(field: K, value: Draft[K]) => {
    setDraft((d) => ({ ...d, [field]: value }));
    // A new edit after a failed save tries again; the last save can no longer be undone.
    setSaveError(undefined);
    setUndo(undefined);
  };

  const save = async (fields: DraftField[], etag: string) => {
    const sent = draft;
    setSaving(true);
    setSaveError(undefined);
    try {
      const saved = await tasksApi.update(task.id, toPatch(sent, fields), etag);
      setCurrent(saved);
      // What was typed while the save was on its way stays (and is saved next).
      setDraft((d) => {
        const next = draftOf(saved.task);
        for (const field of changedFields(d, sent))
          (next as Record<DraftField, unknown>)[field] = d[field];
        return next;
      });
      setUndo(Object.fromEntries(fields.map((field) => [field, base[field]])));
      setConflict(undefined);
      setActivityVersion((v) => v + 1);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'PRECONDITION_FAILED') {
        try {
          const latest = await tasksApi.get(task.id);
          setCurrent(latest);
          // Keep the user's edits; take everything else from the newer version.
          setDraft((d) => {
            const theirs = draftOf(latest.task);
            const merged = { ...theirs };
            for (const field of fields) (merged as Record<DraftField, unknown>)[field] = d[field];
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

  // Autosave: a change is saved after a pause in typing (title, description) or at once (a
  // picked status, date, label…). Not while a save is on its way, a conflict waits for the user,
  // the last save failed (a new edit or "Try again" retries) or the title is empty.
  const waitsForUser = conflict !== undefined || saveError !== undefined;
  const titleMissing = draft.title.trim() === '';
  useEffect(() => {
    if (!canEdit || dirty.length === 0 || saving || waitsForUser || titleMissing) return;
    const typed = dirty.some((field) => TYPED.includes(field));
    const timer = setTimeout(() => void save(dirty, current.etag), typed ? TYPING_PAUSE_MS : 0);
    return () => clearTimeout(timer);
    // `dirty` follows `draft` and `current`; `save` reads the render's draft.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, current, saving, waitsForUser, titleMissing, canEdit]);

  // Leaving the page (a link, the back button) within the pause still saves what was typed.
  const pending = useRef({ fields: dirty, draft, etag: current.etag });
  useEffect(
    () => () => {
      const { fields, draft: last, etag } = pending.current;
      if (fields.length > 0 && last.title.trim() !== '')
        void tasksApi.update(initial.task.id, toPatch(last, fields), etag).catch(() => undefined);
    },
    [initial.task.id],
  );

  const editing = useRef(false);
  const shownVersion = useRef(task.version);
  useEffect(() => {
    editing.current = dirty.length > 0 || saving || conflict !== undefined;
    shownVersion.current = task.version;
    pending.current = { fields: saving ? [] : dirty, draft, etag: current.etag };
  });
  // Someone else changed this task: shown at once, unless the user is editing (their save then
  // meets the 412 conflict flow above, nothing is overwritten).
  useLiveEvents((event) => {
    // A column added, renamed, moved or deleted: Status offers the columns as they are now.
    if (event.type.startsWith('column.') || event.type === 'reset')
      columnsApi.list(project.id).then(setColumns, () => undefined);
    if (event.type === 'task.deleted' && 'taskId' in event && event.taskId === task.id) {
      toast.error(t('live.taskDeleted'));
      return;
    }
    const mine = event.type === 'reset' || ('taskId' in event && event.taskId === task.id);
    if (!mine) return;
    setActivityVersion((v) => v + 1);
    if (!event.type.startsWith('task.') || editing.current) return;
    tasksApi.get(task.id).then(
      (latest) => {
        // Started editing meanwhile: keep their base too, so that a save still meets the 412.
        if (editing.current) return;
        // The event of this page's own save: nothing new (and its Undo stays).
        if (latest.task.version === shownVersion.current) return;
        setCurrent(latest);
        setDraft(draftOf(latest.task));
        // Undo would now put back values over theirs.
        setUndo(undefined);
        requestAnimationFrame(() => flashTasks(document.body, [latest.task.id]));
      },
      () => undefined,
    );
  });

  // Enter in the title saves at once.
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (dirty.length > 0 && !saving && !titleMissing) void save(dirty, current.etag);
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

  // Archive or restore: the answer is the task's new version; the banner's Restore is the undo.
  const setArchived = async (archived: boolean) => {
    setArchiving(true);
    try {
      const next = await tasksApi.setArchived(task.id, archived, current.etag);
      setCurrent(next);
      setActivityVersion((v) => v + 1);
      toast.success(
        t(archived ? 'archive.archived' : 'archive.restored', { title: next.task.title }),
      );
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setArchiving(false);
    }
  };

  return (
    <div className="task-page">
      <div className="task-heading" data-task-id={task.id}>
        <Link to={boardHref} className="back-link">
          <Icon name="back" />
          {t('task.backToBoard')}
        </Link>
        <h1 className="task-title">{task.title}</h1>
        <WatchToggle taskId={task.id} initial={initial.task.watching ?? false} />
        {canEdit && !task.archivedAt && (
          <button
            type="button"
            className="button button-ghost"
            disabled={archiving}
            onClick={() => void setArchived(true)}
          >
            <Icon name="archive" />
            {t('archive.archiveTask')}
          </button>
        )}
        <p className="muted task-dates">
          {t('task.createdUpdated', {
            created: formatDateTime(task.createdAt, i18n.language),
            updated: relativeTime(task.updatedAt, i18n.language),
          })}
        </p>
      </div>

      {task.archivedAt && (
        <div className="notice notice-warning archived-notice" role="status">
          <span>
            <Icon name="archive" /> {t('archive.banner')}{' '}
            <span className="muted">{formatDateTime(task.archivedAt, i18n.language)}</span>
          </span>
          {canEdit && (
            <button
              type="button"
              className="button"
              disabled={archiving}
              onClick={() => void setArchived(false)}
            >
              {t('archive.restore')}
            </button>
          )}
        </div>
      )}

      {conflict && (
        <ConflictPanel
          conflict={conflict}
          draft={draft}
          columns={columns}
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
              <TextField
                id="task-title"
                label={t('task.title')}
                className="input-large"
                required
                maxLength={200}
                value={draft.title}
                onChange={(event) => set('title', event.target.value)}
              />
              <DescriptionField
                value={draft.description}
                onChange={(value) => set('description', value)}
              />
            </form>
          ) : (
            <div className="card task-main">
              <h2 className="section-title">{t('task.description')}</h2>
              {task.description ? (
                <MarkdownText text={task.description} />
              ) : (
                <p className="muted">{t('task.noDescription')}</p>
              )}
            </div>
          )}
          <Checklist taskId={task.id} onChange={() => setActivityVersion((v) => v + 1)} />
          <Attachments taskId={task.id} onChange={() => setActivityVersion((v) => v + 1)} />
          <Comments taskId={task.id} onChange={() => setActivityVersion((v) => v + 1)} />
        </div>
        <div className="task-column task-column-side">
          {canEdit ? (
            <TaskSideForm
              draft={draft}
              status={
                columns.find((column) => column.id === draft.columnId)?.category ?? task.status
              }
              columns={columns}
              set={set}
              state={
                saveError !== undefined
                  ? 'failed'
                  : titleMissing
                    ? 'needsTitle'
                    : dirty.length > 0 || saving
                      ? 'saving'
                      : 'saved'
              }
              saveError={saveError}
              onRetry={() => void save(dirty, current.etag)}
              onUndo={
                undo && !conflict
                  ? () => {
                      setDraft((d) => ({ ...d, ...undo }));
                      setUndo(undefined);
                    }
                  : undefined
              }
              onDelete={() => setConfirmDelete(true)}
            />
          ) : (
            <TaskProperties task={task} columns={columns} />
          )}
          <ActivityFeed taskId={task.id} version={activityVersion} columns={columns} />
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
