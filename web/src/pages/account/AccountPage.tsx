// The account: language and theme, notifications, password, API tokens and calendar feeds (their
// secrets shown once) and signed-in sessions.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { CardSection } from '../../components/CardSection';
import { Avatar } from '../../components/Avatar';
import { LanguageSelect } from '../../components/LanguageSelect';
import { ThemeSelect } from '../../components/ThemeSelect';
import { useAuth, useAuthMethods } from '../../lib/auth';
import { CalendarFeeds } from './CalendarFeeds';
import { NotificationSettings } from './NotificationSettings';
import { PasswordForm } from './PasswordForm';
import { Sessions } from './Sessions';
import { Tokens } from './Tokens';

export default function AccountPage() {
  const { t } = useTranslation();
  const methods = useAuthMethods();
  const { user } = useAuth();
  // A password change ends the other sessions and every token: their lists load again.
  const [generation, setGeneration] = useState(0);
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
          <ThemeSelect />
          <p className="muted hint">{t('account.themeHint')}</p>
        </CardSection>
        <NotificationSettings />
        {/* Single sign-on only (AUTH_MODE=oidc): the provider keeps the password. */}
        {methods.password && <PasswordForm onChanged={() => setGeneration((g) => g + 1)} />}
        <Tokens key={`tokens-${generation}`} />
        <CalendarFeeds />
        <Sessions key={`sessions-${generation}`} />
      </div>
    </div>
  );
}
