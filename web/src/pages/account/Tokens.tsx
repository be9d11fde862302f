// API tokens: create one (it asks for the password and a lifetime; its value is shown once, with
// a copy button), list them with their last use and expiry, and revoke them.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { tokens as tokensApi } from '../../api/endpoints';
import type { ApiToken, TokenLifetime } from '../../api/types';
import { TOKEN_LIFETIMES } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/form/Field';
import { SecretOnce } from '../../components/SecretOnce';
import { AsyncList, InlineError } from '../../components/States';
import { formatDateTime } from '../../lib/format';
import { useAsync } from '../../lib/useAsync';
import { useRemoval } from '../../lib/useRemoval';

const lifetimeValue = (lifetime: TokenLifetime) => (lifetime === null ? 'never' : String(lifetime));

export function Tokens() {
  const { t, i18n } = useTranslation();
  const list = useAsync(() => tokensApi.list(), []);
  // "Expired" is judged as of opening the page.
  const [now] = useState(() => Date.now());
  const [name, setName] = useState('');
  const [lifetime, setLifetime] = useState<TokenLifetime>(90);
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<{ name: string; token: string } | undefined>(undefined);
  const lifetimeOptions = TOKEN_LIFETIMES.map((days) => ({
    value: lifetimeValue(days),
    label: days === null ? t('tokens.noExpiry') : t('tokens.days', { count: days }),
  }));

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { token, ...listed } = await tokensApi.create(name.trim(), password, lifetime);
      setCreated({ name: listed.name, token });
      setName('');
      setPassword('');
      list.setData((items) => [listed, ...(items ?? [])]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoking = useRemoval(
    list,
    (token) => tokensApi.revoke(token.id),
    (token) => t('tokens.revoked', { name: token.name }),
  );

  const expiry = (token: ApiToken) => {
    if (token.expiresAt === null) return t('tokens.neverExpires');
    const date = formatDateTime(token.expiresAt, i18n.language);
    return Date.parse(token.expiresAt) <= now
      ? t('tokens.expired', { date })
      : t('tokens.expires', { date });
  };

  return (
    <CardSection name="tokens" title={t('tokens.title')} icon="key" className="tokens">
      <p className="muted">{t('tokens.help')}</p>
      <form className="form" onSubmit={(event) => void create(event)}>
        <div className="form-row">
          <TextField
            id="token-name"
            label={t('tokens.name')}
            fieldClass="grow"
            required
            maxLength={100}
            placeholder={t('tokens.namePlaceholder')}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <SelectField
            id="token-lifetime"
            label={t('tokens.lifetime')}
            value={lifetimeValue(lifetime)}
            onChange={(event) =>
              setLifetime(
                TOKEN_LIFETIMES.find((days) => lifetimeValue(days) === event.target.value) ?? null,
              )
            }
            options={lifetimeOptions}
          />
        </div>
        <TextField
          id="token-password"
          label={t('tokens.password')}
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        >
          <p className="muted hint">{t('tokens.passwordWhy')}</p>
        </TextField>
        <div>
          <button
            type="submit"
            className="button button-primary"
            disabled={busy || !name.trim() || !password}
          >
            {t('tokens.create')}
          </button>
        </div>
      </form>
      <InlineError error={error} />
      {created && (
        <SecretOnce
          key={created.token}
          id="new-token"
          title={t('tokens.onceTitle', { name: created.name })}
          note={t('tokens.once')}
          label={t('tokens.value')}
          value={created.token}
          doneLabel={t('tokens.done')}
          onDone={() => setCreated(undefined)}
        />
      )}
      <AsyncList state={list} empty={t('tokens.empty')}>
        {(items) => (
          <ul className="token-list">
            {items.map((token) => (
              <li key={token.id}>
                <div>
                  <strong>{token.name}</strong> <code className="mono muted">{token.prefix}…</code>
                  <p className="muted">
                    {t('tokens.createdAt', {
                      date: formatDateTime(token.createdAt, i18n.language),
                    })}
                    {' · '}
                    {token.lastUsedAt
                      ? t('tokens.lastUsed', {
                          date: formatDateTime(token.lastUsedAt, i18n.language),
                        })
                      : t('tokens.neverUsed')}
                    {' · '}
                    {expiry(token)}
                  </p>
                </div>
                <button
                  type="button"
                  className="button button-danger-ghost"
                  onClick={() => revoking.ask(token)}
                  aria-label={t('tokens.revokeNamed', { name: token.name })}
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
        title={t('tokens.revokeTitle')}
        message={t('tokens.revokeConfirm', { name: revoking.pending?.name ?? '' })}
        confirmLabel={t('tokens.revoke')}
        onClose={revoking.cancel}
        onConfirm={() => void revoking.confirm()}
      />
    </CardSection>
  );
}
