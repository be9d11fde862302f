// The account: language, password, API tokens (shown once) and signed-in sessions.
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/CardSection';
import { Avatar } from '../../components/Avatar';
import { LanguageSelect } from '../../components/LanguageSelect';
import { useAuth } from '../../lib/auth';
import { PasswordForm } from './PasswordForm';
import { Sessions } from './Sessions';
import { Tokens } from './Tokens';

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
        <CardSection name="profile" title={t('account.profile')}>
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
        </CardSection>
        <PasswordForm />
        <Tokens />
        <Sessions />
      </div>
    </div>
  );
}
