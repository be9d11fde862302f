// The account: language, password, API tokens (shown once) and signed-in sessions.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { auth, tokens as tokensApi } from '../api/endpoints';
import type { ApiToken } from '../api/types';
import { Avatar } from '../components/Avatar';
import { ConfirmDialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { LanguageSelect } from '../components/LanguageSelect';
import { ErrorState, InlineError, Loading } from '../components/States';
import { useAuth } from '../lib/auth';
import { describeError } from '../lib/errors';
import { formatDateTime } from '../lib/format';
import { useToast } from '../lib/toast';
import { useAsync } from '../lib/useAsync';

export default function AccountPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  return (
    <div className="page account-page">
      <div className="page-header">
        <div>
          <h1>{t('account.title')}</h1>
          <p className="page-subtitle">{t('account.subtitle')}</p>
        </div>
      </div>
      <div className="account-grid">
        <section className="card" aria-labelledby="profile-title">
          <h2 id="profile-title" className="section-title">
            {t('account.profile')}
          </h2>
          {user && (
            <div className="profile">
              <Avatar id={user.id} name={user.name} size="lg" />
              <div>
                <strong>{user.name}</strong>
                <p className="muted">{user.email}</p>
              </div>
            </div>
          )}
          <LanguageSelect />
          <p className="muted hint">{t('account.themeHint')}</p>
        </section>
        <PasswordForm />
        <Tokens />
        <Sessions />
      </div>
    </div>
  );
}

function PasswordForm() {
  const { t } = useTranslation();
  const toast = useToast();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [confirm, setConfirm] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const mismatch = confirm.length > 0 && next !== confirm;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (mismatch) return;
    setBusy(true);
    setError(undefined);
    try {
      await auth.changePassword(current, next);
      setCurrent('');
      setNext('');
      setConfirm('');
      toast.success(t('account.passwordChanged'));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title" className="section-title">
        {t('account.password')}
      </h2>
      <form className="form" onSubmit={(event) => void submit(event)}>
        <input type="text" autoComplete="username" hidden readOnly aria-hidden="true" />
        <div className="field">
          <label htmlFor="current-password">{t('account.currentPassword')}</label>
          <input
            id="current-password"
            type="password"
            autoComplete="current-password"
            required
            value={current}
            onChange={(event) => setCurrent(event.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="new-password">{t('account.newPassword')}</label>
          <input
            id="new-password"
            type="password"
            autoComplete="new-password"
            required
            minLength={12}
            maxLength={128}
            aria-describedby="new-password-hint"
            value={next}
            onChange={(event) => setNext(event.target.value)}
          />
          <p id="new-password-hint" className="hint">
            {t('auth.passwordHint')}
          </p>
        </div>
        <div className="field">
          <label htmlFor="confirm-password">{t('account.confirmPassword')}</label>
          <input
            id="confirm-password"
            type="password"
            autoComplete="new-password"
            required
            aria-invalid={mismatch}
            aria-describedby={mismatch ? 'confirm-password-error' : undefined}
            value={confirm}
            onChange={(event) => setConfirm(event.target.value)}
          />
          {mismatch && (
            <p id="confirm-password-error" className="inline-error">
              {t('account.mismatch')}
            </p>
          )}
        </div>
        <InlineError error={error} />
        <p className="muted hint">{t('account.passwordNote')}</p>
        <button type="submit" className="button button-primary" disabled={busy || mismatch}>
          {t('account.changePassword')}
        </button>
      </form>
    </section>
  );
}

function Tokens() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const list = useAsync(() => tokensApi.list(), []);
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>(undefined);
  const [copied, setCopied] = useState(false);
  const [revoking, setRevoking] = useState<ApiToken | undefined>(undefined);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const token = await tokensApi.create(name.trim());
      setCreated({ name: token.name, token: token.token });
      setCopied(false);
      setName('');
      list.setData((items) => [
        {
          id: token.id,
          name: token.name,
          prefix: token.prefix,
          createdAt: token.createdAt,
          lastUsedAt: token.lastUsedAt,
        },
        ...(items ?? []),
      ]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
      toast.success(t('tokens.copied'));
    } catch {
      // Clipboard access can be refused; select the text so the user can copy it themselves.
      const field = document.getElementById('new-token') as HTMLInputElement | null;
      field?.select();
      toast.error(t('tokens.copyFailed'));
    }
  };

  const revoke = async () => {
    if (!revoking) return;
    try {
      await tokensApi.revoke(revoking.id);
      list.setData((items) => (items ?? []).filter((tk) => tk.id !== revoking.id));
      toast.success(t('tokens.revoked', { name: revoking.name }));
    } catch (err) {
      toast.error(describeError(err, t));
    } finally {
      setRevoking(undefined);
    }
  };

  return (
    <section className="card tokens" aria-labelledby="tokens-title">
      <h2 id="tokens-title" className="section-title">
        <Icon name="key" />
        {t('tokens.title')}
      </h2>
      <p className="muted">{t('tokens.help')}</p>
      <form className="form form-row" onSubmit={(event) => void create(event)}>
        <div className="field grow">
          <label htmlFor="token-name">{t('tokens.name')}</label>
          <input
            id="token-name"
            required
            maxLength={100}
            placeholder={t('tokens.namePlaceholder')}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
        </div>
        <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
          {t('tokens.create')}
        </button>
      </form>
      <InlineError error={error} />
      {created && (
        <div className="token-once" role="status">
          <p>
            <strong>{t('tokens.onceTitle', { name: created.name })}</strong> {t('tokens.once')}
          </p>
          <div className="token-row">
            <label htmlFor="new-token" className="visually-hidden">
              {t('tokens.value')}
            </label>
            <input
              id="new-token"
              className="mono"
              readOnly
              value={created.token}
              onFocus={(event) => event.target.select()}
            />
            <button type="button" className="button" onClick={() => void copy()}>
              <Icon name={copied ? 'check' : 'copy'} />
              {copied ? t('tokens.copiedShort') : t('tokens.copy')}
            </button>
          </div>
          <button type="button" className="link-button" onClick={() => setCreated(undefined)}>
            {t('tokens.done')}
          </button>
        </div>
      )}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.length === 0 && <p className="muted">{t('tokens.empty')}</p>}
      {list.data && list.data.length > 0 && (
        <ul className="token-list">
          {list.data.map((token) => (
            <li key={token.id}>
              <div>
                <strong>{token.name}</strong> <code className="mono muted">{token.prefix}…</code>
                <p className="muted">
                  {t('tokens.createdAt', { date: formatDateTime(token.createdAt, i18n.language) })}
                  {' · '}
                  {token.lastUsedAt
                    ? t('tokens.lastUsed', {
                        date: formatDateTime(token.lastUsedAt, i18n.language),
                      })
                    : t('tokens.neverUsed')}
                </p>
              </div>
              <button
                type="button"
                className="button button-danger-ghost"
                onClick={() => setRevoking(token)}
                aria-label={t('tokens.revokeNamed', { name: token.name })}
              >
                {t('tokens.revoke')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={revoking !== undefined}
        title={t('tokens.revokeTitle')}
        message={t('tokens.revokeConfirm', { name: revoking?.name ?? '' })}
        confirmLabel={t('tokens.revoke')}
        onClose={() => setRevoking(undefined)}
        onConfirm={() => void revoke()}
      />
    </section>
  );
}

function Sessions() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const list = useAsync(() => auth.sessions(), []);

  const end = async (id: string) => {
    try {
      await auth.endSession(id);
      list.setData((items) => (items ?? []).filter((s) => s.id !== id));
      toast.success(t('sessions.ended'));
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" className="section-title">
        {t('sessions.title')}
      </h2>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <ul className="token-list">
          {list.data.map((session) => (
            <li key={session.id}>
              <div>
                <strong>{describeAgent(session.userAgent) ?? t('sessions.unknownDevice')}</strong>
                <p className="muted">
                  {t('sessions.lastSeen', {
                    date: formatDateTime(session.lastSeenAt, i18n.language),
                  })}
                  {session.ip && ` · ${session.ip}`}
                  {session.current && ` · ${t('sessions.current')}`}
                </p>
              </div>
              {!session.current && (
                <button
                  type="button"
                  className="button button-danger-ghost"
                  onClick={() => void end(session.id)}
                >
                  {t('sessions.end')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** "Chrome on Linux" from a user-agent string; enough to tell one's devices apart. */
function describeAgent(agent: string | null): string | undefined {
  if (!agent) return undefined;
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : undefined;
  const os = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Windows/.test(agent)
        ? 'Windows'
        : /Mac OS X/.test(agent)
          ? 'macOS'
          : /Linux/.test(agent)
            ? 'Linux'
            : undefined;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? agent.slice(0, 60);
}
