// Loading, empty and error states, used by every screen.
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../lib/errors';
import type { AsyncState } from '../lib/useAsync';
import { Icon } from './Icon';

export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label ?? t('common.loading')}</span>
    </div>
  );
}

export function ErrorState({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <div className="state state-error" role="alert">
      <Icon name="alert" size={28} />
      <p className="state-title">{t('common.loadFailed')}</p>
      <p>{describeError(error, t)}</p>
      {onRetry && (
        <button type="button" className="button" onClick={onRetry}>
          {t('common.retry')}
        </button>
      )}
    </div>
  );
}

export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="state state-empty">
      <p className="state-title">{title}</p>
      {children && <p>{children}</p>}
      {action}
    </div>
  );
}

export function InlineError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  return (
    <p className="inline-error" role="alert">
      {describeError(error, t)}
    </p>
  );
}

/**
 * A loaded list in its states: the error with a retry, loading, `empty` when there is nothing,
 * else `children` with the items.
 */
export function AsyncList<T>({
  state,
  empty,
  children,
}: {
  state: AsyncState<T[]>;
  /** What an empty list says (none for a list that is never empty). */
  empty?: string;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <>
      {state.error !== undefined && <ErrorState error={state.error} onRetry={state.reload} />}
      {state.loading && !state.data && <Loading />}
      {state.data && state.data.length === 0 && empty && <p className="muted">{empty}</p>}
      {state.data && state.data.length > 0 && children(state.data)}
    </>
  );
}
