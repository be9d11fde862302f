// "Show more" under a cursor-paginated list loaded with useAsync: fetches the page after the
// last one shown and appends it; a failure is a toast, the list stays as it was.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Page } from '../api/types';
import { describeError } from './errors';
import { useToast } from './toast';
import type { AsyncState } from './useAsync';

export function useMorePages<T>(
  list: AsyncState<Page<T>>,
  fetchPage: (cursor: string) => Promise<Page<T>>,
) {
  const { t } = useTranslation();
  const toast = useToast();
  const [loading, setLoading] = useState(false);
  const loadMore = async () => {
    const cursor = list.data?.nextCursor;
    if (!cursor) return;
    setLoading(true);
    try {
      const next = await fetchPage(cursor);
      list.setData((page) => ({
        items: [...(page?.items ?? []), ...next.items],
        nextCursor: next.nextCursor,
      }));
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setLoading(false);
    }
  };
  return { loadMore, loading, hasMore: Boolean(list.data?.nextCursor) };
}
