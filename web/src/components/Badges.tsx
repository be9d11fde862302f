import { useTranslation } from 'react-i18next';
import type { Label, Priority, Role, Status } from '../api/types';

export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useTranslation();
  return (
    <span className={`badge priority priority-${priority}`}>
      <span className="priority-dot" aria-hidden="true" />
      {t(`priority.${priority}`)}
    </span>
  );
}

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useTranslation();
  return <span className={`badge status status-${status}`}>{t(`status.${status}`)}</span>;
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

export function LabelChip({ label }: { label: Pick<Label, 'name'> }) {
  return <span className={`chip chip-${labelTone(label.name)}`}>{label.name}</span>;
}
