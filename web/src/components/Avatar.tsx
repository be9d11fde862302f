import { useTranslation } from 'react-i18next';
import { avatarTone, initials } from '../lib/format';

export function Avatar({
  id,
  name,
  size = 'md',
  showTitle = true,
}: {
  id: string;
  name: string;
  size?: 'sm' | 'md' | 'lg';
  showTitle?: boolean;
}) {
  return (
    <span
      className={`avatar avatar-${size} avatar-${avatarTone(id)}`}
      title={showTitle ? name : undefined}
      aria-hidden="true"
    >
      {initials(name)}
    </span>
  );
}

/** A task's assignee, avatar and name, or "Unassigned" when there is none (or they left). */
export function Assignee({ id, name }: { id: string | null; name: string | undefined }) {
  const { t } = useTranslation();
  return name && id ? (
    <span className="person">
      <Avatar id={id} name={name} size="sm" />
      {name}
    </span>
  ) : (
    <span className="muted">{t('task.unassigned')}</span>
  );
}
