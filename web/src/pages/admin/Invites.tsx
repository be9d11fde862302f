// Invites, for admins: a single-use link that lets one person create an account (also while
// registration is closed), optionally straight into a project with a role. The link is shown
// once, with a copy button; the list says which were used, by whom, and which expired.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { admin as adminApi, projects as projectsApi } from '../../api/endpoints';
import type { Invite, InviteLifetime, Role } from '../../api/types';
import { INVITE_LIFETIMES, ROLES } from '../../api/types';
import { RoleBadge } from '../../components/Badges';
import { CardSection } from '../../components/CardSection';
import { ConfirmDialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/form/Field';
import { SecretOnce } from '../../components/SecretOnce';
import { AsyncList, InlineError } from '../../components/States';
import { formatDateTime } from '../../lib/format';
import { useAsync } from '../../lib/useAsync';
import { useRemoval } from '../../lib/useRemoval';

export function Invites() {
  const { t, i18n } = useTranslation();
  const list = useAsync(() => adminApi.invites(), []);
  // The admin's own projects: those they can name in an invite from here.
  const projects = useAsync(() => projectsApi.list(), []);
  const [note, setNote] = useState('');
  const [lifetime, setLifetime] = useState<InviteLifetime>(7);
  const [projectId, setProjectId] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [created, setCreated] = useState<
    { note: string | null; link: string; token: string } | undefined
  >();
  const date = (iso: string) => formatDateTime(iso, i18n.language);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const { token, path, ...invite } = await adminApi.createInvite({
        ...(note.trim() ? { note: note.trim() } : {}),
        expiresInDays: lifetime,
        ...(projectId ? { project: { id: projectId, role } } : {}),
      });
      setCreated({ note: invite.note, link: `${window.location.origin}${path}`, token });
      setNote('');
      list.setData((items) => [invite, ...(items ?? [])]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const revoking = useRemoval(
    list,
    (invite) => adminApi.revokeInvite(invite.id),
    () => t('admin.invites.revoked'),
  );

  const status = (invite: Invite) => {
    if (invite.status === 'used' && invite.usedBy)
      return t('admin.invites.usedBy', { name: invite.usedBy.name, date: date(invite.usedAt!) });
    if (invite.status === 'expired')
      return t('admin.invites.expired', { date: date(invite.expiresAt) });
    return t('admin.invites.pending', { date: date(invite.expiresAt) });
  };

  return (
    <CardSection name="invites" title={t('admin.invites.title')} icon="plus" className="invites">
      <p className="muted">{t('admin.invites.help')}</p>
      <form className="form" onSubmit={(event) => void create(event)}>
        <div className="form-row">
          <TextField
            id="invite-note"
            label={t('admin.invites.note')}
            fieldClass="grow"
            maxLength={100}
            placeholder={t('admin.invites.notePlaceholder')}
            value={note}
            onChange={(event) => setNote(event.target.value)}
          />
          <SelectField
            id="invite-lifetime"
            label={t('admin.invites.lifetime')}
            value={String(lifetime)}
            onChange={(event) =>
              setLifetime(INVITE_LIFETIMES.find((days) => String(days) === event.target.value) ?? 7)
            }
            options={INVITE_LIFETIMES.map((days) => ({
              value: String(days),
              label: t('tokens.days', { count: days }),
            }))}
          />
        </div>
        <div className="form-row">
          <SelectField
            id="invite-project"
            label={t('admin.invites.project')}
            fieldClass="grow"
            value={projectId}
            onChange={(event) => setProjectId(event.target.value)}
            empty={t('admin.invites.noProject')}
            options={(projects.data ?? []).map((p) => ({ value: p.id, label: p.name }))}
          />
          <SelectField
            id="invite-role"
            label={t('members.role')}
            value={role}
            disabled={!projectId}
            onChange={(event) => setRole(event.target.value as Role)}
            options={ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }))}
          />
        </div>
        <div>
          <button type="submit" className="button button-primary" disabled={busy}>
            {t('admin.invites.create')}
          </button>
        </div>
      </form>
      <InlineError error={error} />
      {created && (
        <SecretOnce
          key={created.token}
          id="invite-link"
          title={
            created.note
              ? t('admin.invites.onceTitleFor', { note: created.note })
              : t('admin.invites.onceTitle')
          }
          note={t('admin.invites.once')}
          label={t('admin.invites.link')}
          value={created.link}
          doneLabel={t('tokens.done')}
          onDone={() => setCreated(undefined)}
        />
      )}
      <AsyncList state={list} empty={t('admin.invites.empty')}>
        {(items) => (
          <ul className="token-list invite-list">
            {items.map((invite) => (
              <li key={invite.id}>
                <div>
                  <strong>{invite.note ?? t('admin.invites.unnamed')}</strong>
                  {invite.project && (
                    <span className="invite-project">
                      {' → '}
                      {invite.project.name} <RoleBadge role={invite.project.role} />
                    </span>
                  )}
                  <p className="muted">
                    {t('admin.invites.createdBy', {
                      name: invite.createdBy.name,
                      date: date(invite.createdAt),
                    })}
                    {' · '}
                    {status(invite)}
                  </p>
                </div>
                {invite.status === 'pending' && (
                  <button
                    type="button"
                    className="button button-danger-ghost"
                    onClick={() => revoking.ask(invite)}
                    aria-label={t('admin.invites.revokeNamed', {
                      name: invite.note ?? t('admin.invites.unnamed'),
                    })}
                  >
                    {t('tokens.revoke')}
                  </button>
                )}
              </li>
            ))}
          </ul>
        )}
      </AsyncList>
      <ConfirmDialog
        open={revoking.pending !== undefined}
        title={t('admin.invites.revokeTitle')}
        message={t('admin.invites.revokeConfirm')}
        confirmLabel={t('tokens.revoke')}
        onClose={revoking.cancel}
        onConfirm={() => void revoking.confirm()}
      />
    </CardSection>
  );
}
