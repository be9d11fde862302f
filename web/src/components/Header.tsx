import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useAuth } from '../lib/auth';
import { Link, usePathname, useSearch } from '../lib/router';
import { commandKeyLabel, useShortcut } from '../lib/shortcuts';
import { useToast } from '../lib/toast';
import { useUnreadCount } from '../lib/unread';
import { describeError } from '../lib/errors';
import { searchPath } from '../lib/searchText';
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

/** The search box of the header: Enter opens /search?q=…; on narrow screens an icon opens it. */
function HeaderSearch() {
  const { t } = useTranslation();
  const pathname = usePathname();
  const search = useSearch();
  const inputRef = useRef<HTMLInputElement>(null);
  const toggleRef = useRef<HTMLButtonElement>(null);
  // On the search page the box shows its words; elsewhere it starts empty.
  const urlQ = pathname === '/search' ? (new URLSearchParams(search).get('q') ?? '') : '';
  const [query, setQuery] = useState(urlQ);
  const [shownQ, setShownQ] = useState(urlQ);
  if (urlQ !== shownQ) {
    setShownQ(urlQ);
    setQuery(urlQ);
  }
  // Narrow screens show an icon; the box opens over the top bar.
  const [expanded, setExpanded] = useState(false);

  useEffect(() => {
    if (expanded) inputRef.current?.focus();
  }, [expanded]);

  // `/` focuses the box, unless the screen has a search of its own (board, list, project list).
  useShortcut(
    '/',
    () => {
      const input = inputRef.current;
      if (input && input.getClientRects().length > 0) input.focus();
      else setExpanded(true);
    },
    true,
    { fallback: true },
  );

  const collapse = () => {
    setExpanded(false);
    toggleRef.current?.focus();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const q = query.trim();
    if (!q) return;
    setExpanded(false);
    navigate(searchPath(q));
  };

  return (
    <>
      <form
        id="header-search-form"
        className={expanded ? 'topbar-search topbar-search-open' : 'topbar-search'}
        role="search"
        aria-label={t('search.landmark')}
        onSubmit={submit}
        onBlur={(event) => {
          if (!event.currentTarget.contains(event.relatedTarget)) setExpanded(false);
        }}
      >
        <div className="topbar-search-field">
          <Icon name="search" />
          <label htmlFor="header-search" className="visually-hidden">
            {t('search.label')}
          </label>
          <input
            id="header-search"
            ref={inputRef}
            type="search"
            name="q"
            autoComplete="off"
            enterKeyHint="search"
            maxLength={200}
            placeholder={t('search.placeholder')}
            value={query}
            onChange={(event) => setQuery(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === 'Escape' && expanded) collapse();
            }}
          />
        </div>
        <button
          type="button"
          className="icon-button topbar-search-close"
          aria-label={t('search.close')}
          onClick={collapse}
        >
          ×
        </button>
      </form>
      <button
        ref={toggleRef}
        type="button"
        className="icon-button topbar-search-toggle"
        aria-label={t('search.open')}
        title={t('search.open')}
        aria-expanded={expanded}
        aria-controls="header-search-form"
        onClick={() => setExpanded(true)}
      >
        <Icon name="search" />
      </button>
    </>
  );
}

export function Header({ onHelp, onPalette }: { onHelp: () => void; onPalette: () => void }) {
  const { t } = useTranslation();
  const { user, signOut } = useAuth();
  const toast = useToast();
  const pathname = usePathname();
  const inProjects = pathname === '/' || pathname.startsWith('/projects');
  const unread = useUnreadCount();
  const paletteKey = commandKeyLabel('k');

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
          <HeaderSearch />
          <button
            type="button"
            className="palette-button"
            onClick={onPalette}
            aria-keyshortcuts="Control+K Meta+K"
            title={`${t('palette.open')} (${paletteKey})`}
          >
            <Icon name="command" />
            <span className="visually-hidden">{t('palette.open')}</span>
            <kbd>{paletteKey}</kbd>
          </button>
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
