import { useTranslation } from 'react-i18next';
import { useAuth } from '../lib/auth';
import { Link, usePathname } from '../lib/router';
import { useToast } from '../lib/toast';
import { useUnreadCount } from '../lib/unread';
import { describeError } from '../lib/errors';
import { navigate } from '../lib/router';
import { Avatar } from './Avatar';
import { Icon } from './Icon';
import { LanguageSelect } from './LanguageSelect';

export function Logo() {
  return (
    <svg className="logo" width="28" height="28" viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="8" className="logo-bg" />
      <rect x="7" y="8" width="5" height="16" rx="2" className="logo-bar" />
      <rect x="14" y="8" width="5" height="11" rx="2" className="logo-bar" />
      <rect x="21" y="8" width="5" height="7" rx="2" className="logo-bar" />
    </svg>
  );
}

export function Header({ onHelp }: { onHelp: () => void }) {
  const { t } = useTranslation();
  const { user, signOut } = useAuth();
  const toast = useToast();
  const pathname = usePathname();
  const inProjects = pathname === '/' || pathname.startsWith('/projects');
  const unread = useUnreadCount();

  const handleSignOut = async () => {
    try {
      await signOut();
      navigate('/signin', { replace: true });
    } catch (error) {
      toast.error(describeError(error, t));
    }
  };

  return (
    <header className="topbar">
      <div className="topbar-inner">
        <Link to="/" className="brand">
          <Logo />
          <span className="brand-name">TaskManager</span>
        </Link>
        <nav className="topnav" aria-label={t('nav.main')}>
          <Link to="/" aria-current={inProjects ? 'page' : undefined}>
            {t('nav.projects')}
          </Link>
          <Link to="/my-work" aria-current={pathname === '/my-work' ? 'page' : undefined}>
            {t('myWork.nav')}
          </Link>
          <Link to="/account" aria-current={pathname === '/account' ? 'page' : undefined}>
            {t('nav.account')}
          </Link>
          {user?.role === 'admin' && (
            <Link to="/admin" aria-current={pathname === '/admin' ? 'page' : undefined}>
              {t('nav.admin')}
            </Link>
          )}
        </nav>
        <div className="topbar-actions">
          <LanguageSelect compact />
          <Link
            to="/inbox"
            className="icon-button bell"
            aria-label={t('inbox.bell', { count: unread ?? 0 })}
            title={t('inbox.bell', { count: unread ?? 0 })}
            aria-current={pathname === '/inbox' ? 'page' : undefined}
          >
            <Icon name="bell" />
            {unread !== undefined && unread > 0 && (
              <span className="bell-count" aria-hidden="true">
                {unread > 99 ? '99+' : unread}
              </span>
            )}
          </Link>
          <button
            type="button"
            className="icon-button"
            onClick={onHelp}
            aria-label={t('help.open')}
            title={t('help.open')}
          >
            <Icon name="help" />
          </button>
          {user && (
            <Link to="/account" className="topbar-user" title={user.name}>
              <Avatar id={user.id} name={user.name} size="sm" showTitle={false} />
              <span className="visually-hidden">{t('nav.signedInAs', { name: user.name })}</span>
            </Link>
          )}
          <button
            type="button"
            className="icon-button"
            onClick={() => void handleSignOut()}
            aria-label={t('nav.signOut')}
            title={t('nav.signOut')}
          >
            <Icon name="logout" />
          </button>
        </div>
      </div>
    </header>
  );
}
