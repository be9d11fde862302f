// Removing an item of a loaded list after the user confirms: `ask(item)` opens the dialog, and
// `confirm()` removes it through the API, drops it from the list and says so (or why not).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from './errors';
import { useToast } from './toast';
import type { AsyncState } from './useAsync';

export function useRemoval<T extends { id: string }>(
  list: AsyncState<T[]>,
  remove: (item: T) => Promise<void>,
  done: (item: T) => string,
) {
  const { t } = useTranslation();
  const toast = useToast();
  const [pending, setPending] = useState<T | undefined>(undefined);

  const confirm = async () => {
    if (!pending) return;
    try {
      await remove(pending);
      list.setData((items) => (items ?? []).filter((item) => item.id !== pending.id));
      toast.success(done(pending));
    } catch (err) {
      toast.error(describeError(err, t));
    } finally {
      setPending(undefined);
    }
  };

  return { pending, ask: setPending, cancel: () => setPending(undefined), confirm };
}
