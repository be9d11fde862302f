// Every account of the instance, for admins: promote or demote, disable or enable, force a
// password reset (the link is shown once, to hand over). One's own row has no actions: another
// admin changes it, so the instance always keeps one.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { admin as adminApi } from '../../api/endpoints';
import type { AdminUser, PasswordResetLink, UserChange } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { ConfirmDialog } from '../../components/Dialog';
import { SecretOnce } from '../../components/SecretOnce';
import { AsyncList } from '../../components/States';
import { useAuth, useAuthMethods } from '../../lib/auth';
import { describeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';

type Pending = { user: AdminUser; action: 'disable' | 'reset' };

export function Users() {
  const { t, i18n } = useTranslation();
  const methods = useAuthMethods();
  const toast = useToast();
  const { user: me } = useAuth();
  const list = useAsync(() => adminApi.users(), []);
  // "Still valid" is judged as of opening the page.
  const [now] = useState(() => Date.now());
  const [pending, setPending] = useState<Pending | undefined>(undefined);
  const [resetLink, setResetLink] = useState<
    { user: AdminUser; link: PasswordResetLink } | undefined
  >(undefined);

  const replace = (updated: AdminUser) =>
    list.setData((items) => (items ?? []).map((u) => (u.id === updated.id ? updated : u)));

  const change = async (user: AdminUser, patch: UserChange, done: string) => {
    try {
      replace(await adminApi.updateUser(user.id, patch));
      toast.success(done);
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  const confirm = async () => {
    if (!pending) return;
    const { user, action } = pending;
    setPending(undefined);
    if (action === 'disable') {
      await change(user, { disabled: true }, t('admin.users.disabled', { name: user.name }));
      return;
    }
    try {
      const link = await adminApi.forceReset(user.id);
      setResetLink({ user, link });
      replace({ ...user, passwordResetExpiresAt: link.expiresAt });
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  const state = (user: AdminUser) => {
    if (user.disabledAt) return t('admin.users.stateDisabled');
    if (user.passwordResetExpiresAt) {
      const date = formatDateTime(user.passwordResetExpiresAt, i18n.language);
      return Date.parse(user.passwordResetExpiresAt) > now
        ? t('admin.users.stateReset', { date })
        : t('admin.users.stateResetExpired');
    }
    return t('admin.users.stateActive');
  };

  return (
    <CardSection name="users" title={t('admin.users.title')} icon="users" count={list.data?.length}>
      {resetLink && (
        <SecretOnce
          key={resetLink.link.token}
          id="reset-link"
          title={t('admin.users.resetTitle', { name: resetLink.user.name })}
          note={t('admin.users.resetOnce', {
            date: formatDateTime(resetLink.link.expiresAt, i18n.language),
          })}
          label={t('admin.users.resetLink')}
          value={`${window.location.origin}${resetLink.link.path}`}
          doneLabel={t('tokens.done')}
          onDone={() => setResetLink(undefined)}
        />
      )}
      <AsyncList state={list}>
        {(items) => (
          <div
            className="table-wrap"
            role="region"
            aria-label={t('admin.users.title')}
            tabIndex={0}
          >
            <table className="table admin-table">
              <thead>
                <tr>
                  <th scope="col">{t('admin.users.account')}</th>
                  <th scope="col">{t('admin.users.role')}</th>
                  <th scope="col">{t('admin.users.state')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('admin.users.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((user) => (
                  <tr key={user.id} className={user.disabledAt ? 'row-disabled' : undefined}>
                    <th scope="row">
                      <strong>{user.name}</strong>
                      {user.id === me?.id && <span className="muted"> ({t('members.you')})</span>}
                      <span className="muted cell-sub">{user.email}</span>
                    </th>
                    <td>{t(`admin.roles.${user.role}`)}</td>
                    <td>{state(user)}</td>
                    <td className="cell-actions">
                      {user.id !== me?.id && (
                        <>
                          <button
                            type="button"
                            className="button"
                            aria-label={t(
                              user.role === 'admin'
                                ? 'admin.users.demoteNamed'
                                : 'admin.users.promoteNamed',
                              { name: user.name },
                            )}
                            onClick={() =>
                              void change(
                                user,
                                { role: user.role === 'admin' ? 'user' : 'admin' },
                                t(
                                  user.role === 'admin'
                                    ? 'admin.users.demoted'
                                    : 'admin.users.promoted',
                                  { name: user.name },
                                ),
                              )
                            }
                          >
                            {t(
                              user.role === 'admin' ? 'admin.users.demote' : 'admin.users.promote',
                            )}
                          </button>
                          {user.disabledAt ? (
                            <button
                              type="button"
                              className="button"
                              aria-label={t('admin.users.enableNamed', { name: user.name })}
                              onClick={() =>
                                void change(
                                  user,
                                  { disabled: false },
                                  t('admin.users.enabled', { name: user.name }),
                                )
                              }
                            >
                              {t('admin.users.enable')}
                            </button>
                          ) : (
                            <>
                              {methods.password && (
                                <button
                                  type="button"
                                  className="button"
                                  aria-label={t('admin.users.resetNamed', { name: user.name })}
                                  onClick={() => setPending({ user, action: 'reset' })}
                                >
                                  {t('admin.users.reset')}
                                </button>
                              )}
                              <button
                                type="button"
                                className="button button-danger-ghost"
                                aria-label={t('admin.users.disableNamed', { name: user.name })}
                                onClick={() => setPending({ user, action: 'disable' })}
                              >
                                {t('admin.users.disable')}
                              </button>
                            </>
                          )}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </AsyncList>
      <ConfirmDialog
        open={pending !== undefined}
        title={
          pending?.action === 'reset'
            ? t('admin.users.resetConfirmTitle', { name: pending.user.name })
            : t('admin.users.disableConfirmTitle', { name: pending?.user.name ?? '' })
        }
        message={
          pending?.action === 'reset'
            ? t('admin.users.resetConfirm')
            : t('admin.users.disableConfirm')
        }
        confirmLabel={
          pending?.action === 'reset' ? t('admin.users.reset') : t('admin.users.disable')
        }
        onClose={() => setPending(undefined)}
        onConfirm={() => void confirm()}
      />
    </CardSection>
  );
}
