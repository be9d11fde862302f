// The shell: providers, the header, the routes. Screens other than sign-in and the project list
// are loaded on demand so that the first page stays small.
import { Suspense, useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Header } from './components/Header';
import { HelpDialog } from './components/HelpDialog';
import { Loading } from './components/States';
import { AuthProvider, useAuth } from './lib/auth';
import { matchPath, navigate, usePathname } from './lib/router';
import { useCommandKey, useShortcut } from './lib/shortcuts';
import { lazyWithPreload } from './lib/lazy';
import { ToastProvider } from './lib/toast';
import { NotFoundPage } from './pages/NotFoundPage';
import { BoardPage, ProjectShell } from './pages/ProjectShell';
import { ProjectsPage } from './pages/projects/ProjectsPage';
import { InvitePage, ResetPasswordPage, SignInPage, SignUpPage } from './pages/AuthPages';

const ListPage = lazyWithPreload(() => import('./pages/ListPage'));
const CalendarPage = lazyWithPreload(() => import('./pages/calendar/CalendarPage'));
const TaskPage = lazyWithPreload(() => import('./pages/task/TaskPage'));
const MembersPage = lazyWithPreload(() => import('./pages/MembersPage'));
const LabelsPage = lazyWithPreload(() => import('./pages/LabelsPage'));
const WebhooksPage = lazyWithPreload(() => import('./pages/WebhooksPage'));
const AccountPage = lazyWithPreload(() => import('./pages/account/AccountPage'));
const AdminPage = lazyWithPreload(() => import('./pages/admin/AdminPage'));
const InboxPage = lazyWithPreload(() => import('./pages/inbox/InboxPage'));
const MyWorkPage = lazyWithPreload(() => import('./pages/mywork/MyWorkPage'));
const SearchPage = lazyWithPreload(() => import('./pages/search/SearchPage'));
const CommandPalette = lazyWithPreload(() => import('./components/CommandPalette'));

/** Pages anyone may open: signing in or up, and the links an admin hands out. */
const PUBLIC_PAGES: Record<string, () => ReactNode> = {
  '/signin': () => <SignInPage />,
  '/signup': () => <SignUpPage />,
  '/invite': () => <InvitePage />,
  '/reset-password': () => <ResetPasswordPage />,
};

export function App() {
  return (
    <ToastProvider>
      <AuthProvider>
        <Shell />
      </AuthProvider>
    </ToastProvider>
  );
}

function Shell() {
  const { t } = useTranslation();
  const { status } = useAuth();
  const pathname = usePathname();
  const [helpOpen, setHelpOpen] = useState(false);
  // The palette's code is loaded on first use; once loaded it stays mounted (closed), so that
  // closing it hands the focus back.
  const [paletteOpen, setPaletteOpen] = useState(false);
  const [paletteUsed, setPaletteUsed] = useState(false);
  const mainRef = useRef<HTMLElement>(null);
  const firstRender = useRef(true);
  const signedIn = status === 'authenticated';

  // Signed out (the session ended) while it was open: it stays shut after signing in again.
  if (!signedIn && paletteOpen) setPaletteOpen(false);
  const openPalette = () => {
    setPaletteUsed(true);
    setPaletteOpen(true);
  };
  useShortcut('?', () => setHelpOpen(true));
  useCommandKey('k', openPalette, signedIn);

  // After a navigation, move focus to the new page so screen readers announce it.
  useEffect(() => {
    if (firstRender.current) {
      firstRender.current = false;
      return;
    }
    window.scrollTo(0, 0);
    mainRef.current?.focus({ preventScroll: true });
  }, [pathname]);

  const isPublic = Object.hasOwn(PUBLIC_PAGES, pathname);
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('nav.skip')}
      </a>
      {signedIn && <Header onHelp={() => setHelpOpen(true)} onPalette={openPalette} />}
      <main id="main" ref={mainRef} tabIndex={-1} className={isPublic ? 'main main-auth' : 'main'}>
        <Suspense fallback={<Loading />}>
          <Routes pathname={pathname} />
        </Suspense>
      </main>
      <HelpDialog open={helpOpen} onClose={() => setHelpOpen(false)} />
      {signedIn && paletteUsed && (
        <Suspense fallback={null}>
          <CommandPalette open={paletteOpen} onClose={() => setPaletteOpen(false)} />
        </Suspense>
      )}
    </div>
  );
}

function Routes({ pathname }: { pathname: string }) {
  if (Object.hasOwn(PUBLIC_PAGES, pathname)) return PUBLIC_PAGES[pathname]!();
  return <Protected>{route(pathname)}</Protected>;
}

function route(pathname: string): ReactNode {
  if (pathname === '/' || pathname === '/projects') return <ProjectsPage />;
  if (pathname === '/account') return <AccountPage />;
  if (pathname === '/admin') return <AdminPage />;
  if (pathname === '/inbox') return <InboxPage />;
  if (pathname === '/my-work') return <MyWorkPage />;
  if (pathname === '/search') return <SearchPage />;
  let params = matchPath('/projects/:projectId', pathname);
  if (params?.projectId) {
    return (
      <ProjectShell projectId={params.projectId} view="board">
        <BoardPage />
      </ProjectShell>
    );
  }
  params = matchPath('/projects/:projectId/list', pathname);
  if (params?.projectId) {
    return (
      <ProjectShell projectId={params.projectId} view="list">
        <ListPage />
      </ProjectShell>
    );
  }
  params = matchPath('/projects/:projectId/calendar', pathname);
  if (params?.projectId) {
    return (
      <ProjectShell projectId={params.projectId} view="calendar">
        <CalendarPage />
      </ProjectShell>
    );
  }
  params = matchPath('/projects/:projectId/archive', pathname);
  if (params?.projectId) {
    return (
      <ProjectShell projectId={params.projectId} view="archive">
        <ListPage key="archive" archived />
      </ProjectShell>
    );
  }
  params = matchPath('/projects/:projectId/members', pathname);
  if (params?.projectId) {
    return (
      <ProjectShell projectId={params.projectId} view="members">
        <MembersPage />
      </ProjectShell>
    );
  }
  params = matchPath('/projects/:projectId/labels', pathname);
  if (params?.projectId) {
    return (
      <ProjectShell projectId={params.projectId} view="labels">
        <LabelsPage />
      </ProjectShell>
    );
  }
  params = matchPath('/projects/:projectId/webhooks', pathname);
  if (params?.projectId) {
    return (
      <ProjectShell projectId={params.projectId} view="webhooks">
        <WebhooksPage />
      </ProjectShell>
    );
  }
  params = matchPath('/projects/:projectId/tasks/:taskId', pathname);
  if (params?.projectId && params.taskId) {
    return (
      <ProjectShell projectId={params.projectId} view="task">
        <TaskPage key={params.taskId} taskId={params.taskId} />
      </ProjectShell>
    );
  }
  return <NotFoundPage />;
}

function Protected({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  useEffect(() => {
    if (status === 'anonymous' || status === 'expired') {
      const here = window.location.pathname + window.location.search;
      const params = new URLSearchParams();
      if (here !== '/') params.set('next', here);
      if (status === 'expired') params.set('reason', 'expired');
      const qs = params.toString();
      navigate(`/signin${qs ? `?${qs}` : ''}`, { replace: true });
    }
  }, [status]);
  if (status !== 'authenticated') return <Loading />;
  return <>{children}</>;
}
