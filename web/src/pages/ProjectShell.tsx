import { Fragment, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { labels as labelsApi, members as membersApi, projects } from '../api/endpoints';
import type { Label, Member, Project, Role } from '../api/types';
import { RoleBadge } from '../components/Badges';
import { Icon } from '../components/Icon';
import type { IconName } from '../components/Icon';
import { ErrorState, Loading } from '../components/States';
import { useAuth } from '../lib/auth';
import { ProjectContext, type ProjectContextValue } from '../lib/project';
import { Link, useSearch } from '../lib/router';
import { filterQuery } from '../lib/taskFilter';
import { prefetchBoard } from '../lib/boardData';
import { lazyWithPreload } from '../lib/lazy';
import { useLiveStream } from '../lib/live';
import { useAsync } from '../lib/useAsync';
import { ImportCsv } from './projects/ImportCsv';

interface Loaded {
  project: Project;
  members: Member[];
  labels: Label[];
}

export const BoardPage = lazyWithPreload(() => import('./board/BoardPage'));

export type ProjectView =
  'board' | 'list' | 'calendar' | 'archive' | 'members' | 'labels' | 'webhooks' | 'task';

export function ProjectShell({
  projectId,
  view,
  children,
}: {
  projectId: string;
  view: ProjectView;
  children: ReactNode;
}) {
  const { t } = useTranslation();
  const search = useSearch();
  const { user } = useAuth();
  // Bumped after a CSV import: the view below mounts again and loads the new tasks.
  const [generation, setGeneration] = useState(0);
  const state = useAsync<Loaded>(async () => {
    if (view === 'board') {
      // The board needs its code and its tasks as well: fetch them alongside, not after.
      void BoardPage.preload();
      prefetchBoard(projectId);
    }
    const [project, members, labels] = await Promise.all([
      projects.get(projectId),
      membersApi.list(projectId),
      labelsApi.list(projectId),
    ]);
    return { project, members, labels };
  }, [projectId]);

  const { data, setData } = state;
  const { status: liveStatus, subscribe: subscribeLive } = useLiveStream(projectId);
  // Members, labels and the project itself are re-read when an event says they changed.
  useEffect(
    () =>
      subscribeLive((event) => {
        const kind = event.type.split('.')[0];
        if (!['member', 'label', 'project', 'reset'].includes(kind!)) return;
        void Promise.all([
          projects.get(projectId),
          membersApi.list(projectId),
          labelsApi.list(projectId),
        ]).then(
          ([project, members, labels]) => setData({ project, members, labels }),
          () => {},
        );
      }),
    [subscribeLive, projectId, setData],
  );
  const value = useMemo<ProjectContextValue | undefined>(() => {
    if (!data) return undefined;
    const role: Role =
      data.project.role ?? data.members.find((m) => m.userId === user?.id)?.role ?? 'viewer';
    const names = new Map(data.members.map((m) => [m.userId, m.name]));
    return {
      ...data,
      role,
      canEdit: role !== 'viewer',
      isOwner: role === 'owner',
      memberName: (userId) => (userId ? names.get(userId) : undefined),
      setProject: (project) => setData((d) => ({ ...(d as Loaded), project })),
      setMembers: (members) => setData((d) => ({ ...(d as Loaded), members })),
      setLabels: (labels) => setData((d) => ({ ...(d as Loaded), labels })),
      subscribeLive,
    };
  }, [data, setData, user?.id, subscribeLive]);

  if (state.error !== undefined) {
    return (
      <div className="page">
        <h1 className="visually-hidden">{t('project.loadFailed')}</h1>
        <ErrorState error={state.error} onRetry={state.reload} />
      </div>
    );
  }
  if (!value) return <Loading />;

  const base = `/projects/${encodeURIComponent(projectId)}`;
  // The board and the list share their filters: switching between them keeps the view.
  const filters = view === 'board' || view === 'list' ? filterQuery(search) : '';
  const tabs: { view: ProjectView; to: string; label: string; icon: IconName }[] = [
    { view: 'board', to: base + filters, label: t('project.board'), icon: 'board' },
    { view: 'list', to: `${base}/list${filters}`, label: t('project.list'), icon: 'list' },
    { view: 'calendar', to: `${base}/calendar`, label: t('project.calendar'), icon: 'calendar' },
    { view: 'archive', to: `${base}/archive`, label: t('project.archive'), icon: 'archive' },
    { view: 'members', to: `${base}/members`, label: t('project.members'), icon: 'users' },
    { view: 'labels', to: `${base}/labels`, label: t('project.labels'), icon: 'tag' },
    // Webhooks are for owners only (the API refuses the others).
    ...(value.role === 'owner'
      ? [
          {
            view: 'webhooks' as const,
            to: `${base}/webhooks`,
            label: t('project.webhooks'),
            icon: 'key' as const,
          },
        ]
      : []),
  ];

  return (
    <ProjectContext.Provider value={value}>
      <div className={`page project-page project-view-${view}`}>
        <div className="project-header">
          <nav className="breadcrumbs" aria-label={t('nav.breadcrumbs')}>
            <Link to="/">{t('nav.projects')}</Link>
            <span aria-hidden="true">/</span>
            {view === 'task' ? (
              <Link to={base}>{value.project.name}</Link>
            ) : (
              <span aria-current="page">{value.project.name}</span>
            )}
          </nav>
          {view !== 'task' && (
            <div className="project-title-row">
              <h1 className="project-title">{value.project.name}</h1>
              <RoleBadge role={value.role} />
              {value.role === 'viewer' && (
                <span className="muted readonly-note">{t('project.readOnly')}</span>
              )}
              {/* Downloads (any member may export): the session cookie authenticates them. */}
              <div className="project-export" role="group" aria-label={t('project.export')}>
                <a className="button" href={projects.exportUrl(projectId, 'json')} download>
                  {t('project.exportJson')}
                </a>
                <a className="button" href={projects.exportUrl(projectId, 'csv')} download>
                  {t('project.exportCsv')}
                </a>
                {value.role !== 'viewer' && (
                  <ImportCsv projectId={projectId} onImported={() => setGeneration((g) => g + 1)} />
                )}
              </div>
            </div>
          )}
          {view !== 'task' && (
            <nav className="tabs" aria-label={t('project.views')}>
              {tabs.map((tab) => (
                <Link
                  key={tab.view}
                  to={tab.to}
                  className="tab"
                  aria-current={tab.view === view ? 'page' : undefined}
                >
                  <Icon name={tab.icon} />
                  {tab.label}
                </Link>
              ))}
            </nav>
          )}
        </div>
        {liveStatus === 'reconnecting' && (
          <p role="status" className="live-status">
            {t('live.reconnecting')}
          </p>
        )}
        {/* A new generation (after an import) loads the view again. */}
        <Fragment key={generation}>{children}</Fragment>
      </div>
    </ProjectContext.Provider>
  );
}
