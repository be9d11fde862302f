// The project list: create, rename, delete (owners), and a way into each board.
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { projects as projectsApi } from '../../api/endpoints';
import type { Project } from '../../api/types';
import { RoleBadge } from '../../components/Badges';
import { ConfirmDialog } from '../../components/Dialog';
import { SearchInput } from '../../components/form/SearchInput';
import { Icon } from '../../components/Icon';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatDate } from '../../lib/format';
import { Link, navigate } from '../../lib/router';
import { useShortcut } from '../../lib/shortcuts';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';
import { ImportProgress, ImportProject, ImportSummary } from './ImportProject';
import type { ImportFileResult } from '../../api/endpoints';
import { ProjectFormDialog } from './ProjectFormDialog';
import { TaskCounts } from './TaskCounts';

export function ProjectsPage() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const list = useAsync(() => projectsApi.list(), []);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Project | undefined>(undefined);
  const [deleting, setDeleting] = useState<Project | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [imported, setImported] = useState<ImportFileResult | undefined>(undefined);
  const [importProgress, setImportProgress] = useState<number>();
  const [filter, setFilter] = useState('');
  const filterRef = useRef<HTMLInputElement>(null);

  useShortcut('n', () => setCreating(true));
  useShortcut('/', () => filterRef.current?.focus());

  const remove = async () => {
    if (!deleting) return;
    setBusy(true);
    try {
      await projectsApi.remove(deleting.id);
      list.setData((items) => (items ?? []).filter((p) => p.id !== deleting.id));
      toast.success(t('projects.deleted', { name: deleting.name }));
      setDeleting(undefined);
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setBusy(false);
    }
  };

  const visible = (list.data ?? []).filter((p) =>
    p.name.toLowerCase().includes(filter.trim().toLowerCase()),
  );

  return (
    <div className="page">
      <div className="page-header">
        <div>
          <h1>{t('projects.title')}</h1>
          <p className="page-subtitle">{t('projects.subtitle')}</p>
        </div>
        <div className="page-header-actions">
          <ImportProject
            onProgress={setImportProgress}
            onImported={(result) => {
              setImported(result);
              list.reload();
            }}
          />
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            <Icon name="plus" />
            {t('projects.new')}
          </button>
        </div>
      </div>

      {importProgress !== undefined && <ImportProgress progress={importProgress} />}
      {imported && <ImportSummary result={imported} onDismiss={() => setImported(undefined)} />}
      {list.loading && !list.data && <Loading />}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.data && list.data.length === 0 && (
        <EmptyState
          title={t('projects.emptyTitle')}
          action={
            <button
              type="button"
              className="button button-primary"
              onClick={() => setCreating(true)}
            >
              {t('projects.createFirst')}
            </button>
          }
        >
          {t('projects.emptyText')}
        </EmptyState>
      )}
      {list.data && list.data.length > 0 && (
        <>
          {list.data.length > 6 && (
            <div className="toolbar">
              <SearchInput
                id="project-filter"
                label={t('projects.filter')}
                inputRef={filterRef}
                placeholder={t('projects.filter')}
                value={filter}
                onChange={(event) => setFilter(event.target.value)}
              />
            </div>
          )}
          <ul className="project-grid" aria-label={t('projects.title')}>
            {visible.map((project) => (
              <li key={project.id} className="card project-card">
                <div className="project-card-top">
                  <h2 className="project-name">
                    <Link to={`/projects/${encodeURIComponent(project.id)}`}>{project.name}</Link>
                  </h2>
                  {project.role && <RoleBadge role={project.role} />}
                </div>
                <p className="project-description">
                  {project.description || t('projects.noDescription')}
                </p>
                <TaskCounts counts={project.taskCounts} />
                <div className="project-card-footer">
                  <span className="muted">
                    {t('projects.created', { date: formatDate(project.createdAt, i18n.language) })}
                  </span>
                  <div className="project-actions">
                    <Link
                      className="icon-button"
                      to={`/projects/${encodeURIComponent(project.id)}/members`}
                      aria-label={t('projects.membersOf', { name: project.name })}
                      title={t('projects.members')}
                    >
                      <Icon name="users" />
                    </Link>
                    {project.role === 'owner' && (
                      <>
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={t('projects.renameNamed', { name: project.name })}
                          title={t('projects.rename')}
                          onClick={() => setRenaming(project)}
                        >
                          <Icon name="edit" />
                        </button>
                        <button
                          type="button"
                          className="icon-button icon-button-danger"
                          aria-label={t('projects.deleteNamed', { name: project.name })}
                          title={t('projects.delete')}
                          onClick={() => setDeleting(project)}
                        >
                          <Icon name="trash" />
                        </button>
                      </>
                    )}
                  </div>
                </div>
              </li>
            ))}
          </ul>
        </>
      )}

      <ProjectFormDialog
        open={creating}
        title={t('projects.new')}
        submitLabel={t('projects.create')}
        onClose={() => setCreating(false)}
        onSubmit={async (name, description) => {
          const project = await projectsApi.create(name, description);
          setCreating(false);
          toast.success(t('projects.createdToast', { name: project.name }));
          navigate(`/projects/${encodeURIComponent(project.id)}`);
        }}
      />
      <ProjectFormDialog
        open={renaming !== undefined}
        title={t('projects.rename')}
        submitLabel={t('common.save')}
        initial={renaming}
        onClose={() => setRenaming(undefined)}
        onSubmit={async (name, description) => {
          if (!renaming) return;
          const updated = await projectsApi.update(renaming.id, {
            name,
            description: description || null,
          });
          list.setData((items) =>
            (items ?? []).map((p) =>
              p.id === updated.id ? { ...p, ...updated, role: p.role } : p,
            ),
          );
          setRenaming(undefined);
          toast.success(t('projects.renamed', { name: updated.name }));
        }}
      />
      <ConfirmDialog
        open={deleting !== undefined}
        title={t('projects.deleteTitle')}
        message={t('projects.deleteConfirm', { name: deleting?.name ?? '' })}
        confirmLabel={t('projects.delete')}
        busy={busy}
        onClose={() => setDeleting(undefined)}
        onConfirm={() => void remove()}
      />
    </div>
  );
}
