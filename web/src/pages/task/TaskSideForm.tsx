// The side panel of an editor: status (the project's columns), priority, assignee, due date (and an optional time) and
// labels (all part of #task-form), what autosave is doing (with "Try again" after a failure and
// "Undo" after a save) and the delete button.
import { useTranslation } from 'react-i18next';
import { PRIORITIES } from '../../api/types';
import type { Column, Priority, Status } from '../../api/types';
import { SelectField, TextField } from '../../components/form/Field';
import { Icon } from '../../components/Icon';
import { InlineError } from '../../components/States';
import {
  formatDueLong,
  fromDueInput,
  isOverdue,
  joinDueInput,
  splitDueInput,
} from '../../lib/format';
import { columnChoice } from '../../lib/board';
import { useProject } from '../../lib/project';
import type { Draft, DraftField } from './draft';
import { LabelPicker } from './LabelPicker';

/** Where the autosave is (TaskEditor). */
export type SaveState = 'saving' | 'saved' | 'failed' | 'needsTitle';

export function TaskSideForm({
  draft,
  status,
  columns,
  set,
  state,
  saveError,
  onRetry,
  onUndo,
  onDelete,
}: {
  draft: Draft;
  /** The status the draft's column gives the task. */
  status: Status;
  /** The project's columns, in board order. */
  columns: readonly Column[];
  set: <K extends DraftField>(field: K, value: Draft[K]) => void;
  state: SaveState;
  saveError: unknown;
  onRetry: () => void;
  /** Puts back what the last save changed; absent when there is nothing to undo. */
  onUndo: (() => void) | undefined;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { members } = useProject();
  const lang = i18n.language;
  const dueAt = fromDueInput(draft.due);
  const due = splitDueInput(draft.due);
  const overdue = isOverdue({ dueAt, status });
  // Date inputs show the browser's own format whatever `lang` says, so the date is also spelled
  // out in the app's language under them.
  const dueNotes =
    [dueAt && 'task-due-spelled', overdue && 'task-due-overdue'].filter(Boolean).join(' ') ||
    undefined;
  return (
    <div className="card task-side">
      <SelectField
        id="task-status"
        label={t('task.status')}
        form="task-form"
        value={draft.columnId}
        onChange={(event) => set('columnId', event.target.value)}
        options={columns.map((column) => ({
          value: column.id,
          label: columnChoice(column, (s) => t(`status.${s}`)),
        }))}
      />
      <SelectField
        id="task-priority"
        label={t('task.priority')}
        form="task-form"
        value={draft.priority}
        onChange={(event) => set('priority', event.target.value as Priority)}
        options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
      />
      <SelectField
        id="task-assignee"
        label={t('task.assignee')}
        form="task-form"
        value={draft.assigneeId}
        onChange={(event) => set('assigneeId', event.target.value)}
        empty={t('task.unassigned')}
        options={members.map((m) => ({ value: m.userId, label: m.name }))}
      />
      <div className="due-field">
        <div className="due-inputs">
          <TextField
            id="task-due"
            label={t('task.due')}
            fieldClass="due-date"
            form="task-form"
            type="date"
            lang={lang}
            value={due.date}
            aria-describedby={dueNotes}
            className={overdue ? 'input-overdue' : undefined}
            onChange={(event) => set('due', joinDueInput(event.target.value, due.time))}
          />
          <TextField
            id="task-due-time"
            label={t('task.dueTime')}
            fieldClass="due-time"
            form="task-form"
            type="time"
            lang={lang}
            value={due.time}
            disabled={!due.date}
            aria-describedby={dueNotes}
            className={overdue ? 'input-overdue' : undefined}
            onChange={(event) => set('due', joinDueInput(due.date, event.target.value))}
          />
        </div>
        {dueAt && (
          <div className="due-spelled">
            <span id="task-due-spelled" className="muted">
              {formatDueLong(dueAt, lang)}
            </span>
            {due.time && (
              <button
                type="button"
                className="link-button"
                onClick={() => {
                  set('due', due.date);
                  // The button goes with the time: the focus stays in the field.
                  document.getElementById('task-due-time')?.focus();
                }}
              >
                {t('task.removeTime')}
              </button>
            )}
          </div>
        )}
        {overdue && (
          <p id="task-due-overdue" className="overdue-note">
            <Icon name="clock" size={14} />
            {t('task.overdue')}
          </p>
        )}
      </div>
      <LabelPicker selected={draft.labelIds} onChange={(ids) => set('labelIds', ids)} />
      <InlineError error={saveError} />
      <div className="save-bar">
        <span className="muted" role="status">
          {state === 'saving'
            ? t('task.saving')
            : state === 'needsTitle'
              ? t('task.needsTitle')
              : state === 'failed'
                ? t('task.notSaved')
                : t('task.allSaved')}
        </span>
        <div className="save-actions">
          {state === 'failed' && (
            <button type="button" className="button" onClick={onRetry}>
              {t('task.retrySave')}
            </button>
          )}
          {state === 'saved' && onUndo && (
            <button type="button" className="button button-ghost" onClick={onUndo}>
              <Icon name="undo" />
              {t('task.undoSave')}
            </button>
          )}
        </div>
      </div>
      <button type="button" className="button button-danger-ghost" onClick={onDelete}>
        <Icon name="trash" />
        {t('task.delete')}
      </button>
    </div>
  );
}
