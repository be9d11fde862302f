// The loaded task: the draft being edited, saving with If-Match and the 412 conflict flow, and the
// layout of the page (main column: text and comments; side column: properties and activity).
import { useEffect, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { tasks as tasksApi, type TaskWithEtag } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { ConfirmDialog } from '../../components/Dialog';
import { TextAreaField, TextField } from '../../components/form/Field';
import { Icon } from '../../components/Icon';
import { describeError } from '../../lib/errors';
import { formatDateTime, relativeTime } from '../../lib/format';
import { useProject } from '../../lib/project';
import { Link, navigate } from '../../lib/router';
import { useToast } from '../../lib/toast';
import { ActivityFeed } from './ActivityFeed';
import { Comments } from './Comments';
import { ConflictPanel } from './ConflictPanel';
import {
  changedFields,
  draftOf,
  toPatch,
  type Conflict,
  type Draft,
  type DraftField,
} from './draft';
import { TaskProperties } from './TaskProperties';
import { TaskSideForm } from './TaskSideForm';

export function TaskEditor({ initial }: { initial: TaskWithEtag }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, canEdit } = useProject();
  const [current, setCurrent] = useState(initial);
  const [draft, setDraft] = useState<Draft>(() => draftOf(initial.task));
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(undefined);
  const [conflict, setConflict] = useState<Conflict | undefined>(undefined);
  const [confirmDelete, setConfirmDelete] = useState(false);
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

  const set = <K extends DraftField>(field: K, value: Draft[K]) =>
    setDraft((d) => ({ ...d, [field]: value }));

  const save = async (fields: DraftField[], etag: string) => {
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
              <TextField
                id="task-title"
                label={t('task.title')}
                className="input-large"
                required
                maxLength={200}
                value={draft.title}
                onChange={(event) => set('title', event.target.value)}
              />
              <TextAreaField
                id="task-description"
                label={t('task.description')}
                rows={8}
                maxLength={20000}
                placeholder={t('task.descriptionPlaceholder')}
                value={draft.description}
                onChange={(event) => set('description', event.target.value)}
              />
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
            <TaskSideForm
              draft={draft}
              set={set}
              dirty={dirty.length > 0}
              saving={saving}
              saveError={saveError}
              onDiscard={() => {
                setDraft(base);
                setSaveError(undefined);
              }}
              onDelete={() => setConfirmDelete(true)}
            />
          ) : (
            <TaskProperties task={task} />
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
