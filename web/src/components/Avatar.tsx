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
