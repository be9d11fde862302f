// A project's webhooks (owners only, as the API): the list with enable/disable and delete, a form
// to add one with its events, the secret shown once, and each webhook's delivery log with
// "redeliver" and "send test event" (docs/integrations.md).
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { webhooks as webhooksApi } from '../api/endpoints';
import type { NewWebhook, Webhook, WebhookEvent } from '../api/types';
import { WEBHOOK_EVENTS } from '../api/types';
import { CardSection } from '../components/CardSection';
import { ConfirmDialog } from '../components/Dialog';
import { TextField } from '../components/form/Field';
import { SecretOnce } from '../components/SecretOnce';
import { AsyncList, InlineError } from '../components/States';
import { describeError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useProject } from '../lib/project';
import { useToast } from '../lib/toast';
import { useAsync } from '../lib/useAsync';

export default function WebhooksPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const { project, isOwner } = useProject();
  const list = useAsync(
    () => (isOwner ? webhooksApi.list(project.id) : Promise.resolve([])),
    [project.id, isOwner],
  );
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['task.created']);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<NewWebhook | undefined>(undefined);
  const [removing, setRemoving] = useState<Webhook | undefined>(undefined);
  const [open, setOpen] = useState<string | undefined>(undefined);

  if (!isOwner) return <p className="muted">{t('webhooks.ownerOnly')}</p>;

  const replace = (hook: Webhook) =>
    list.setData((items = []) => items.map((h) => (h.id === hook.id ? hook : h)));

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const hook = await webhooksApi.create(project.id, url.trim(), events);
      list.reload();
      setCreated(hook);
      setUrl('');
      toast.success(t('webhooks.added'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (hook: Webhook) => {
    try {
      replace(await webhooksApi.setEnabled(hook.id, !hook.enabled));
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  const remove = async () => {
    if (!removing) return;
    try {
      await webhooksApi.remove(removing.id);
      list.setData((items = []) => items.filter((h) => h.id !== removing.id));
      toast.success(t('webhooks.removed'));
    } catch (err) {
      toast.error(describeError(err, t));
    } finally {
      setRemoving(undefined);
    }
  };

  const toggleEvent = (name: WebhookEvent, on: boolean) =>
    setEvents((current) =>
      on
        ? WEBHOOK_EVENTS.filter((e) => e === name || current.includes(e))
        : current.filter((e) => e !== name),
    );

  return (
    <div className="webhooks-page">
      <CardSection name="webhooks" title={t('webhooks.title')} count={list.data?.length}>
        <p className="muted">{t('webhooks.help')}</p>
        <AsyncList state={list} empty={t('webhooks.empty')}>
          {(items) => (
            <ul className="webhook-list">
              {items.map((hook) => (
                <li key={hook.id} className="webhook">
                  <div className="webhook-head">
                    <strong className="mono webhook-url">{hook.url}</strong>
                    <span className={hook.enabled ? 'badge' : 'badge badge-muted'}>
                      {hook.enabled ? t('webhooks.enabled') : t('webhooks.disabled')}
                    </span>
                  </div>
                  <p className="muted">
                    {hook.events
                      .map((e) => t(`webhooks.events.${eventKey(e)}` as const))
                      .join(', ')}
                  </p>
                  {hook.disabledReason && (
                    <p className="form-error" role="alert">
                      {t('webhooks.autoDisabled', { reason: hook.disabledReason })}
                    </p>
                  )}
                  <div className="member-actions">
                    <button type="button" className="button" onClick={() => void toggle(hook)}>
                      {hook.enabled ? t('webhooks.disable') : t('webhooks.enable')}
                    </button>
                    <button
                      type="button"
                      className="button"
                      aria-expanded={open === hook.id}
                      onClick={() => setOpen(open === hook.id ? undefined : hook.id)}
                    >
                      {t('webhooks.deliveries')}
                    </button>
                    <button
                      type="button"
                      className="button button-danger-ghost"
                      onClick={() => setRemoving(hook)}
                      aria-label={t('webhooks.removeNamed', { url: hook.url })}
                    >
                      {t('webhooks.remove')}
                    </button>
                  </div>
                  {open === hook.id && <Deliveries webhookId={hook.id} />}
                </li>
              ))}
            </ul>
          )}
        </AsyncList>
      </CardSection>

      <CardSection name="webhook-add" title={t('webhooks.addTitle')}>
        {created && (
          <SecretOnce
            key={created.id}
            id="webhook-secret"
            title={t('webhooks.secretTitle')}
            note={t('webhooks.secretOnce')}
            label={t('webhooks.secret')}
            value={created.secret}
            doneLabel={t('webhooks.secretDone')}
            onDone={() => setCreated(undefined)}
          />
        )}
        <form className="form" onSubmit={(event) => void add(event)}>
          <TextField
            id="webhook-url"
            label={t('webhooks.url')}
            type="url"
            required
            placeholder="https://"
            value={url}
            onChange={(event) => setUrl(event.target.value)}
          />
          <fieldset className="webhook-events">
            <legend>{t('webhooks.eventsLabel')}</legend>
            {WEBHOOK_EVENTS.map((name) => (
              <label key={name} className="checkbox">
                <input
                  type="checkbox"
                  checked={events.includes(name)}
                  onChange={(event) => toggleEvent(name, event.target.checked)}
                />
                {t(`webhooks.events.${eventKey(name)}`)}
              </label>
            ))}
          </fieldset>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || !url.trim() || events.length === 0}
          >
            {t('webhooks.add')}
          </button>
        </form>
        <InlineError error={error} />
      </CardSection>

      <ConfirmDialog
        open={removing !== undefined}
        title={t('webhooks.removeTitle')}
        message={t('webhooks.removeConfirm', { url: removing?.url ?? '' })}
        confirmLabel={t('webhooks.remove')}
        onClose={() => setRemoving(undefined)}
        onConfirm={() => void remove()}
      />
    </div>
  );
}

type Underscored<S extends string> = S extends `${infer A}.${infer B}` ? `${A}_${B}` : S;
/** i18n keys cannot hold dots: task.created → task_created. */
const eventKey = (name: WebhookEvent) => name.replace('.', '_') as Underscored<WebhookEvent>;

function Deliveries({ webhookId }: { webhookId: string }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const log = useAsync(() => webhooksApi.deliveries(webhookId), [webhookId]);

  const act = async (send: () => Promise<unknown>, done: string) => {
    try {
      await send();
      toast.success(done);
      log.reload();
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  return (
    <div className="webhook-deliveries">
      <div className="member-actions">
        <button
          type="button"
          className="button"
          onClick={() => void act(() => webhooksApi.sendTest(webhookId), t('webhooks.testQueued'))}
        >
          {t('webhooks.sendTest')}
        </button>
        <button type="button" className="button" onClick={log.reload}>
          {t('webhooks.refresh')}
        </button>
      </div>
      <AsyncList state={log} empty={t('webhooks.noDeliveries')}>
        {(items) => (
          // A phone scrolls the log sideways inside its box, not the page.
          <div
            className="table-wrap"
            role="region"
            aria-label={t('webhooks.deliveryLog')}
            tabIndex={0}
          >
            <table className="table" aria-label={t('webhooks.deliveryLog')}>
              <thead>
                <tr>
                  <th scope="col">{t('webhooks.when')}</th>
                  <th scope="col">{t('webhooks.event')}</th>
                  <th scope="col">{t('webhooks.status')}</th>
                  <th scope="col">{t('webhooks.answer')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('webhooks.redeliver')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((d) => (
                  <tr key={d.id}>
                    <td>{formatDateTime(d.createdAt, i18n.language)}</td>
                    <td className="mono">{d.event}</td>
                    <td>
                      {t(`webhooks.state.${d.status}`)}
                      {d.attempts > 1 && ` (${t('webhooks.attempts', { count: d.attempts })})`}
                    </td>
                    <td>
                      {d.responseStatus !== null && (
                        <span className="mono">{d.responseStatus} </span>
                      )}
                      {d.durationMs !== null && (
                        <span className="muted">
                          {t('webhooks.duration', { ms: d.durationMs })}{' '}
                        </span>
                      )}
                      {(d.error ?? d.responseSnippet) && (
                        <span className="muted mono">
                          {(d.error ?? d.responseSnippet)!.slice(0, 120)}
                        </span>
                      )}
                    </td>
                    <td>
                      <button
                        type="button"
                        className="link-button"
                        onClick={() =>
                          void act(
                            () => webhooksApi.redeliver(webhookId, d.id),
                            t('webhooks.redelivered'),
                          )
                        }
                      >
                        {t('webhooks.redeliver')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncList>
    </div>
  );
}
