// API tokens: create one (its value is shown once, with a copy button), list and revoke them.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { tokens as tokensApi } from '../../api/endpoints';
import type { ApiToken } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { ConfirmDialog } from '../../components/Dialog';
import { HiddenLabelInput, TextField } from '../../components/form/Field';
import { Icon } from '../../components/Icon';
import { ErrorState, InlineError, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';

export function Tokens() {
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
    <CardSection name="tokens" title={t('tokens.title')} icon="key" className="tokens">
      <p className="muted">{t('tokens.help')}</p>
      <form className="form form-row" onSubmit={(event) => void create(event)}>
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
            <HiddenLabelInput
              id="new-token"
              label={t('tokens.value')}
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
    </CardSection>
  );
}
