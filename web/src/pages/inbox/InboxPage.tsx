// The inbox: my notifications newest first (all or unread only), each linking to its task and
// marked read when opened, and "mark all read". The header's bell counts the unread ones.
import { useCallback, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notifications as api } from '../../api/endpoints';
import type { Notification } from '../../api/types';
import { Avatar } from '../../components/Avatar';
import { ErrorState, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatDateTime, relativeTime } from '../../lib/format';
import { useMorePages } from '../../lib/morePages';
import { MoreButton } from '../../components/MoreButton';
import { Link } from '../../lib/router';
import { useToast } from '../../lib/toast';
import { notifyInboxChanged, useNotificationArrived } from '../../lib/unread';
import { useAsync } from '../../lib/useAsync';

export default function InboxPage() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = useAsync(() => api.list({ unread: unreadOnly || undefined }), [unreadOnly]);
  const more = useMorePages(list, (cursor) =>
    api.list({ unread: unreadOnly || undefined, cursor }),
  );

  // A new notification (the inbox stream) is listed at once.
  const { reload } = list;
  useNotificationArrived(useCallback(() => reload(), [reload]));

  const update = (change: (n: Notification) => Notification) =>
    list.setData((page) => ({
      items: (page?.items ?? []).map(change),
      nextCursor: page?.nextCursor ?? null,
    }));

  const markRead = async (note: Notification) => {
    if (note.read) return;
    try {
      await api.markRead(note.id);
      update((n) => (n.id === note.id ? { ...n, read: true } : n));
      notifyInboxChanged();
    } catch (error) {
      toast.error(describeError(error, t));
    }
  };

  const markAll = async () => {
    try {
      await api.markAllRead();
      if (unreadOnly) list.setData({ items: [], nextCursor: null });
      else update((n) => ({ ...n, read: true }));
      notifyInboxChanged();
      toast.success(t('inbox.allReadDone'));
    } catch (error) {
      toast.error(describeError(error, t));
    }
  };

  const items = list.data?.items;
  return (
    <div className="page inbox-page">
      <div className="page-header">
        <div>
          <h1>{t('inbox.title')}</h1>
          <p className="page-subtitle">{t('inbox.subtitle')}</p>
        </div>
        <div className="page-actions">
          <label className="checkbox">
            <input
              type="checkbox"
              checked={unreadOnly}
              onChange={(event) => setUnreadOnly(event.target.checked)}
            />
            {t('inbox.unreadOnly')}
          </label>
          <button
            type="button"
            className="button"
            onClick={() => void markAll()}
            disabled={!items?.some((n) => !n.read)}
          >
            {t('inbox.markAllRead')}
          </button>
        </div>
      </div>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {items && items.length === 0 && (
        <p className="muted">{unreadOnly ? t('inbox.noneUnread') : t('inbox.empty')}</p>
      )}
      {items && items.length > 0 && (
        <ul className="inbox-list" aria-label={t('inbox.title')}>
          {items.map((note) => (
            <li key={note.id} className={note.read ? 'inbox-item' : 'inbox-item inbox-unread'}>
              {note.actor ? (
                <Avatar id={note.actor.id} name={note.actor.name} />
              ) : (
                <span className="avatar-placeholder" aria-hidden="true" />
              )}
              <div className="inbox-content">
                <p>
                  {!note.read && <span className="visually-hidden">{t('inbox.unread')} </span>}
                  {t(`inbox.kind.${note.kind}`, {
                    name: note.actor?.name ?? t('inbox.someone'),
                  })}{' '}
                  {note.task ? (
                    <Link
                      to={`/projects/${note.project.id}/tasks/${note.task.id}`}
                      onClick={() => void markRead(note)}
                    >
                      {note.task.title}
                    </Link>
                  ) : (
                    <span>{t('inbox.deletedTask')}</span>
                  )}
                </p>
                <p className="muted inbox-meta">
                  {note.project.name} ·{' '}
                  <time
                    dateTime={note.createdAt}
                    title={formatDateTime(note.createdAt, i18n.language)}
                  >
                    {relativeTime(note.createdAt, i18n.language)}
                  </time>
                </p>
              </div>
              {!note.read && (
                <button
                  type="button"
                  className="link-button"
                  onClick={() => void markRead(note)}
                  aria-label={t('inbox.markReadOf', { title: note.task?.title ?? '' })}
                >
                  {t('inbox.markRead')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      <MoreButton more={more} />
    </div>
  );
}
