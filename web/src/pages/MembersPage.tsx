// Who is in the project and with which role. Only owners change it; the service keeps at least
// one owner and says so when a change would remove the last.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { members as membersApi } from '../api/endpoints';
import type { Member, Role } from '../api/types';
import { ROLES } from '../api/types';
import { CardSection } from '../components/CardSection';
import { Avatar } from '../components/Avatar';
import { RoleBadge } from '../components/Badges';
import { ConfirmDialog } from '../components/Dialog';
import { Select, SelectField, TextField } from '../components/form/Field';
import { InlineError } from '../components/States';
import { useAuth } from '../lib/auth';
import { describeError } from '../lib/errors';
import { useProject } from '../lib/project';
import { useToast } from '../lib/toast';

export default function MembersPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const { user } = useAuth();
  const { project, members, isOwner, setMembers } = useProject();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('editor');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [removing, setRemoving] = useState<Member | undefined>(undefined);
  const roleOptions = ROLES.map((r) => ({ value: r, label: t(`roles.${r}`) }));

  const add = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const member = await membersApi.add(project.id, email.trim(), role);
      setMembers([...members.filter((m) => m.userId !== member.userId), member]);
      setEmail('');
      toast.success(t('members.added', { name: member.name }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (member: Member, next: Role) => {
    try {
      const updated = await membersApi.update(project.id, member.userId, next);
      setMembers(members.map((m) => (m.userId === member.userId ? { ...m, ...updated } : m)));
      toast.success(t('members.roleChanged', { name: member.name, role: t(`roles.${next}`) }));
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  const remove = async () => {
    if (!removing) return;
    try {
      await membersApi.remove(project.id, removing.userId);
      setMembers(members.filter((m) => m.userId !== removing.userId));
      toast.success(t('members.removed', { name: removing.name }));
    } catch (err) {
      toast.error(describeError(err, t));
    } finally {
      setRemoving(undefined);
    }
  };

  return (
    <div className="members-page">
      <CardSection name="members" title={t('members.title')} count={members.length}>
        <ul className="member-list">
          {members.map((member) => (
            <li key={member.userId} className="member">
              <Avatar id={member.userId} name={member.name} />
              <div className="member-who">
                <strong>
                  {member.name}
                  {member.userId === user?.id && (
                    <span className="muted"> ({t('members.you')})</span>
                  )}
                </strong>
                <span className="muted">{member.email}</span>
              </div>
              {isOwner ? (
                <div className="member-actions">
                  <label htmlFor={`role-${member.userId}`} className="visually-hidden">
                    {t('members.roleOf', { name: member.name })}
                  </label>
                  <Select
                    id={`role-${member.userId}`}
                    value={member.role}
                    onChange={(event) => void changeRole(member, event.target.value as Role)}
                    options={roleOptions}
                  />
                  <button
                    type="button"
                    className="button button-danger-ghost"
                    onClick={() => setRemoving(member)}
                    aria-label={t('members.removeNamed', { name: member.name })}
                  >
                    {t('members.remove')}
                  </button>
                </div>
              ) : (
                <RoleBadge role={member.role} />
              )}
            </li>
          ))}
        </ul>
      </CardSection>

      {isOwner ? (
        <CardSection name="invite" title={t('members.addTitle')}>
          <p className="muted">{t('members.addHelp')}</p>
          <form className="form form-row" onSubmit={(event) => void add(event)}>
            <TextField
              id="member-email"
              label={t('auth.email')}
              fieldClass="grow"
              type="email"
              required
              value={email}
              onChange={(event) => setEmail(event.target.value)}
            />
            <SelectField
              id="member-role"
              label={t('members.role')}
              value={role}
              onChange={(event) => setRole(event.target.value as Role)}
              options={roleOptions}
            />
            <button
              type="submit"
              className="button button-primary"
              disabled={busy || !email.trim()}
            >
              {t('members.add')}
            </button>
          </form>
          <InlineError error={error} />
          <dl className="role-help">
            {ROLES.map((r) => (
              <div key={r}>
                <dt>
                  <RoleBadge role={r} />
                </dt>
                <dd className="muted">{t(`members.roleHelp.${r}`)}</dd>
              </div>
            ))}
          </dl>
        </CardSection>
      ) : (
        <p className="muted">{t('members.ownerOnly')}</p>
      )}

      <ConfirmDialog
        open={removing !== undefined}
        title={t('members.removeTitle')}
        message={t('members.removeConfirm', { name: removing?.name ?? '' })}
        confirmLabel={t('members.remove')}
        onClose={() => setRemoving(undefined)}
        onConfirm={() => void remove()}
      />
    </div>
  );
}
