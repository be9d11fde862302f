// iCalendar feeds: a secret URL of My work or of one project that a calendar app subscribes to
// (shown once, with a copy button), listed with its last use, revocable.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { calendarFeeds, projects as projectsApi } from '../../api/endpoints';
import type { CalendarFeed } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField } from '../../components/form/Field';
import { SecretOnce } from '../../components/SecretOnce';
import { AsyncList, InlineError } from '../../components/States';
import { formatDateTime } from '../../lib/format';
import { useAsync } from '../../lib/useAsync';
import { useRemoval } from '../../lib/useRemoval';

const MY_WORK = '';

export function CalendarFeeds() {
  const { t, i18n } = useTranslation();
  const list = useAsync(() => calendarFeeds.list(), []);
  const projects = useAsync(() => projectsApi.list(), []);
  const [source, setSource] = useState(MY_WORK);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<{ name: string; url: string } | undefined>(undefined);
  const nameOf = (feed: Pick<CalendarFeed, 'project'>) =>
    feed.project ? feed.project.name : t('calendarFeeds.myWork');

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { path, ...listed } = await calendarFeeds.create(source === MY_WORK ? null : source);
      setCreated({ name: nameOf(listed), url: new URL(path, window.location.origin).href });
      list.setData((items) => [...(items ?? []), listed]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoking = useRemoval(
    list,
    (feed) => calendarFeeds.revoke(feed.id),
    (feed) => t('calendarFeeds.revoked', { name: nameOf(feed) }),
  );

  return (
    <CardSection
      name="calendar-feeds"
      title={t('calendarFeeds.title')}
      icon="calendar"
      className="tokens"
    >
      <p className="muted">{t('calendarFeeds.help')}</p>
      <form className="form" onSubmit={(event) => void create(event)}>
        <div className="form-row">
          <SelectField
            id="calendar-feed-source"
            label={t('calendarFeeds.source')}
            fieldClass="grow"
            value={source}
            onChange={(event) => setSource(event.target.value)}
            options={[
              { value: MY_WORK, label: t('calendarFeeds.myWork') },
              ...(projects.data ?? []).map((p) => ({ value: p.id, label: p.name })),
            ]}
          />
        </div>
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('calendarFeeds.create')}
          </button>
        </div>
      </form>
      <InlineError error={error} />
      {created && (
        <SecretOnce
          key={created.url}
          id="new-calendar-feed"
          title={t('calendarFeeds.onceTitle', { name: created.name })}
          note={t('calendarFeeds.once')}
          label={t('calendarFeeds.value')}
          value={created.url}
          doneLabel={t('calendarFeeds.done')}
          onDone={() => setCreated(undefined)}
        />
      )}
      <AsyncList state={list} empty={t('calendarFeeds.empty')}>
        {(items) => (
          <ul className="token-list">
            {items.map((feed) => (
              <li key={feed.id}>
                <div>
                  <strong>{nameOf(feed)}</strong>
                  <p className="muted">
                    {t('tokens.createdAt', {
                      date: formatDateTime(feed.createdAt, i18n.language),
                    })}
                    {' · '}
                    {feed.lastUsedAt
                      ? t('calendarFeeds.lastRead', {
                          date: formatDateTime(feed.lastUsedAt, i18n.language),
                        })
                      : t('calendarFeeds.neverRead')}
                  </p>
                </div>
                <button
                  type="button"
                  className="button button-danger-ghost"
                  onClick={() => revoking.ask(feed)}
                  aria-label={t('calendarFeeds.revokeNamed', { name: nameOf(feed) })}
                >
                  {t('tokens.revoke')}
                </button>
              </li>
            ))}
          </ul>
        )}
      </AsyncList>
      <ConfirmDialog
        open={revoking.pending !== undefined}
        title={t('calendarFeeds.revokeTitle')}
        message={t('calendarFeeds.revokeConfirm', {
          name: revoking.pending ? nameOf(revoking.pending) : '',
        })}
        confirmLabel={t('tokens.revoke')}
        onClose={revoking.cancel}
        onConfirm={() => void revoking.confirm()}
      />
    </CardSection>
  );
}
