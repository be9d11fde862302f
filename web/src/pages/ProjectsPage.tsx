// The project list: create, rename, delete (owners), and a way into each board.
import { useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { projects as projectsApi } from '../api/endpoints';
import type { Project } from '../api/types';
import { RoleBadge } from '../components/Badges';
import { ConfirmDialog, Dialog } from '../components/Dialog';
import { Icon } from '../components/Icon';
import { EmptyState, ErrorState, InlineError, Loading } from '../components/States';
import { describeError } from '../lib/errors';
import { formatDate } from '../lib/format';
import { Link, navigate } from '../lib/router';
import { useShortcut } from '../lib/shortcuts';
import { useToast } from '../lib/toast';
import { useAsync } from '../lib/useAsync';

export function ProjectsPage() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const list = useAsync(() => projectsApi.list(), []);
  const [creating, setCreating] = useState(false);
  const [renaming, setRenaming] = useState<Project | undefined>(undefined);
  const [deleting, setDeleting] = useState<Project | undefined>(undefined);
  const [busy, setBusy] = useState(false);
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
        <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
          <Icon name="plus" />
          {t('projects.new')}
        </button>
      </div>

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
              <div className="search">
                <Icon name="search" />
                <label htmlFor="project-filter" className="visually-hidden">
                  {t('projects.filter')}
                </label>
                <input
                  id="project-filter"
                  ref={filterRef}
                  type="search"
                  placeholder={t('projects.filter')}
                  value={filter}
                  onChange={(event) => setFilter(event.target.value)}
                />
              </div>
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

function ProjectFormDialog({
  open,
  title,
  submitLabel,
  initial,
  onClose,
  onSubmit,
}: {
  open: boolean;
  title: string;
  submitLabel: string;
  initial?: Project;
  onClose: () => void;
  onSubmit: (name: string, description: string) => Promise<void>;
}) {
  return (
    <Dialog open={open} title={title} onClose={onClose}>
      {open && (
        <ProjectForm
          key={initial?.id ?? 'new'}
          initial={initial}
          submitLabel={submitLabel}
          onClose={onClose}
          onSubmit={onSubmit}
        />
      )}
    </Dialog>
  );
}

function ProjectForm({
  initial,
  submitLabel,
  onClose,
  onSubmit,
}: {
  initial?: Project;
  submitLabel: string;
  onClose: () => void;
  onSubmit: (name: string, description: string) => Promise<void>;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(initial?.name ?? '');
  const [description, setDescription] = useState(initial?.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSubmit(name.trim(), description.trim());
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <div className="field">
        <label htmlFor="project-name">{t('projects.name')}</label>
        <input
          id="project-name"
          required
          maxLength={200}
          autoFocus
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor="project-description">{t('projects.description')}</label>
        <textarea
          id="project-description"
          rows={3}
          maxLength={2000}
          value={description}
          onChange={(event) => setDescription(event.target.value)}
        />
      </div>
      <InlineError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

function TaskCounts({ counts }: { counts: Project['taskCounts'] }) {
  const { t } = useTranslation();
  const total = counts.todo + counts.in_progress + counts.done;
  const percent = total === 0 ? 0 : Math.round((counts.done / total) * 100);
  return (
    <div className="task-counts">
      <meter
        className="progress"
        min={0}
        max={100}
        value={percent}
        aria-label={t('projects.progress', { percent })}
      />
      <p className="muted">
        {total === 0
          ? t('projects.noTasks')
          : t('projects.counts', {
              todo: counts.todo,
              inProgress: counts.in_progress,
              done: counts.done,
            })}
      </p>
    </div>
  );
}
