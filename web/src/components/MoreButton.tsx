// "Show more" under a list paged with useMorePages (lib/morePages.ts); nothing when all is shown.
import { useTranslation } from 'react-i18next';
import type { useMorePages } from '../lib/morePages';

export function MoreButton({
  more,
  label,
}: {
  more: ReturnType<typeof useMorePages>;
  /** The button's text; "Show more" unless given. */
  label?: string;
}) {
  const { t } = useTranslation();
  if (!more.hasMore) return null;
  return (
    <button
      type="button"
      className="button"
      disabled={more.loading}
      onClick={() => void more.loadMore()}
    >
      {label ?? t('inbox.more')}
    </button>
  );
}
