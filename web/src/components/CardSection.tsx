// A card of a screen with its own heading (`.section-title`, optional icon and count), labelled by
// that heading for screen readers: `name` gives the heading's id, `${name}-title`.
import type { ReactNode } from 'react';
import { Icon, type IconName } from './Icon';

export function CardSection({
  name,
  title,
  icon,
  count,
  className,
  children,
}: {
  name: string;
  title: string;
  icon?: IconName;
  count?: number;
  /** Extra classes of the card. */
  className?: string;
  children: ReactNode;
}) {
  const headingId = `${name}-title`;
  return (
    <section className={className ? `card ${className}` : 'card'} aria-labelledby={headingId}>
      <h2 id={headingId} className="section-title">
        {icon && <Icon name={icon} />}
        {title}
        {count !== undefined && <span className="count">{count}</span>}
      </h2>
      {children}
    </section>
  );
}
