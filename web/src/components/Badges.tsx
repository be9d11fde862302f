import { useTranslation } from 'react-i18next';
import type { Label, Priority, Role, Status } from '../api/types';
import { Icon } from './Icon';

export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  return (
    <span className={`badge priority priority-${priority}`}>
      <span className="priority-dot" aria-hidden="true" />
      {t(`priority.${priority}`)}
    </span>
  );
}

/** A status in its colours; `label` names it otherwise (a board column of that category). */
export function StatusBadge({ status, label }: { status: Status; label?: string }) {
  const { t } = useTranslation();
  return <span className={`badge status status-${status}`}>{label ?? t(`status.${status}`)}</span>;
}

export function RoleBadge({ role }: { role: Role }) {
  const { t } = useTranslation();
  return <span className={`badge role role-${role}`}>{t(`roles.${role}`)}</span>;
}

/** Label colours come from a fixed palette keyed by name, so they stay readable in both themes. */
export function labelTone(name: string): number {
  let hash = 7;
  for (let i = 0; i < name.length; i++) hash = (hash * 33 + name.charCodeAt(i)) >>> 0;
  return hash % 6;
}

/** The chip's text keeps the palette's contrast; the label's own colour is the dot before it. */
export function LabelChip({ label }: { label: Pick<Label, 'name'> & { color?: string } }) {
  return (
    <span className={`chip chip-${labelTone(label.name)}`}>
      {label.color && (
        <span className="chip-dot" style={{ backgroundColor: label.color }} aria-hidden="true" />
      )}
      {label.name}
    </span>
  );
}

/** "3/5": checked items of a task's checklist; nothing for a task without one. */
export function ChecklistBadge({ progress }: { progress: { done: number; total: number } }) {
  const { t } = useTranslation();
  if (progress.total === 0) return null;
  const complete = progress.done === progress.total;
  return (
    <span
      className={`checklist-badge${complete ? ' checklist-badge-complete' : ''}`}
      title={t('checklist.progress', progress)}
    >
      <Icon name="check" size={14} />
      <span aria-hidden="true">
        {progress.done}/{progress.total}
      </span>
      <span className="visually-hidden">{t('checklist.progress', progress)}</span>
    </span>
  );
}
