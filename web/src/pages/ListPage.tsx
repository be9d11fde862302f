// The list: a sortable table with filters and search that live in the URL, and "load more"
// through the service's cursor.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { tasks as tasksApi } from '../api/endpoints';
import type { Status, Task, TaskQuery, TaskSort } from '../api/types';
import { STATUSES } from '../api/types';
import { Assignee } from '../components/Avatar';
import { LabelChip, PriorityBadge, StatusBadge } from '../components/Badges';
import { SelectField, TextField } from '../components/form/Field';
import { SearchInput } from '../components/form/SearchInput';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { describeError } from '../lib/errors';
import { formatDate, isOverdue, startOfDateInput } from '../lib/format';
import { useProject } from '../lib/project';
import { Link, navigate, useSearchParams } from '../lib/router';
import { useShortcut } from '../lib/shortcuts';
import { useToast } from '../lib/toast';
import { useAsync } from '../lib/useAsync';

const PAGE_SIZE = 50;

/** Sortable columns and the service's `sort` values (ascending; `-` prefix for descending). */
const SORTABLE = {
  title: 'title',
  priority: 'priority',
  dueAt: 'dueAt',
  updatedAt: 'updatedAt',
} as const;
type SortKey = keyof typeof SORTABLE;
const DEFAULT_SORT: TaskSort = '-updatedAt';
const SORTS = new Set<string>([
  'position',
  'createdAt',
  '-createdAt',
  'updatedAt',
  '-updatedAt',
  'dueAt',
  '-dueAt',
  'priority',
  '-priority',
  'title',
  '-title',
] satisfies TaskSort[]);
const isSort = (value: string | null): value is TaskSort => value !== null && SORTS.has(value);

function parseSort(sort: string): { key: SortKey | undefined; desc: boolean } {
  const desc = sort.startsWith('-');
  const field = desc ? sort.slice(1) : sort;
  const key = (Object.keys(SORTABLE) as SortKey[]).find((k) => SORTABLE[k] === field);
  return { key, desc };
}

export default function ListPage() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, members, labels, memberName, canEdit } = useProject();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const assignee = params.get('assignee') ?? '';
  const label = params.get('label') ?? '';
  const due = params.get('due') ?? '';
  const q = params.get('q') ?? '';
  const sortParam = params.get('sort');
  const sort: TaskSort = isSort(sortParam) ? sortParam : DEFAULT_SORT;
  const [search, setSearch] = useState(q);
  const searchRef = useRef<HTMLInputElement>(null);
  const [extra, setExtra] = useState<{ items: Task[]; nextCursor: string | null } | undefined>(
    undefined,
  );
  const [loadingMore, setLoadingMore] = useState(false);

  useShortcut('/', () => searchRef.current?.focus());
  useShortcut('n', () => navigate(`/projects/${encodeURIComponent(project.id)}?new=1`), canEdit);

  // Typing updates the URL after a short pause, so the list follows without a request per key.
  useEffect(() => {
    if (search === q) return;
    const timer = window.setTimeout(() => setParams({ q: search.trim() || undefined }), 300);
    return () => window.clearTimeout(timer);
  }, [search, q, setParams]);

  const query: TaskQuery = {
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : undefined,
    assigneeId: assignee || undefined,
    label: label || undefined,
    dueBefore: startOfDateInput(due),
    q: q || undefined,
    sort,
    limit: PAGE_SIZE,
  };
  const key = JSON.stringify(query);
  const first = useAsync(async () => {
    setExtra(undefined);
    return tasksApi.list(project.id, query);
  }, [project.id, key]);

  const items = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const nextCursor = extra ? extra.nextCursor : (first.data?.nextCursor ?? null);

  const loadMore = async () => {
    if (!nextCursor) return;
    setLoadingMore(true);
    try {
      const page = await tasksApi.list(project.id, { ...query, cursor: nextCursor });
      setExtra((prev) => ({
        items: [...(prev?.items ?? []), ...page.items],
        nextCursor: page.nextCursor,
      }));
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setLoadingMore(false);
    }
  };

  const { key: sortKey, desc } = parseSort(sort);
  const toggleSort = (column: SortKey) => {
    const next = sortKey === column && !desc ? `-${SORTABLE[column]}` : SORTABLE[column];
    setParams({ sort: next === DEFAULT_SORT ? undefined : next });
  };
  const ariaSort = (column: SortKey) =>
    sortKey === column ? (desc ? 'descending' : 'ascending') : undefined;

  const filtersActive = Boolean(status || assignee || label || due || q);
  const headers: { key: SortKey | undefined; label: string }[] = [
    { key: 'title', label: t('list.title') },
    { key: undefined, label: t('list.status') },
    { key: 'priority', label: t('list.priority') },
    { key: undefined, label: t('list.assignee') },
    { key: 'dueAt', label: t('list.due') },
    { key: undefined, label: t('list.labels') },
    { key: 'updatedAt', label: t('list.updated') },
  ];

  return (
    <div className="list-page">
      <div className="filters" role="search" aria-label={t('list.filters')}>
        <SearchInput
          id="list-search"
          label={t('list.search')}
          inputRef={searchRef}
          placeholder={t('list.searchPlaceholder')}
          value={search}
          onChange={(event) => setSearch(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') setParams({ q: search.trim() || undefined });
          }}
        />
        <SelectField
          id="filter-status"
          label={t('list.status')}
          fieldClass="field-inline"
          value={status}
          onChange={(event) => setParams({ status: event.target.value || undefined })}
          empty={t('list.any')}
          options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <SelectField
          id="filter-assignee"
          label={t('list.assignee')}
          fieldClass="field-inline"
          value={assignee}
          onChange={(event) => setParams({ assignee: event.target.value || undefined })}
          empty={t('list.anyone')}
          options={members.map((m) => ({ value: m.userId, label: m.name }))}
        />
        <SelectField
          id="filter-label"
          label={t('list.label')}
          fieldClass="field-inline"
          value={label}
          onChange={(event) => setParams({ label: event.target.value || undefined })}
          empty={t('list.any')}
          options={labels.map((l) => ({ value: l.id, label: l.name }))}
        />
        <TextField
          id="filter-due"
          label={t('list.dueBefore')}
          fieldClass="field-inline"
          type="date"
          value={due}
          onChange={(event) => setParams({ due: event.target.value || undefined })}
        />
        {filtersActive && (
          <button
            type="button"
            className="button button-ghost"
            onClick={() => {
              setSearch('');
              setParams({
                status: undefined,
                assignee: undefined,
                label: undefined,
                due: undefined,
                q: undefined,
              });
            }}
          >
            {t('list.clear')}
          </button>
        )}
      </div>

      {first.error !== undefined && <ErrorState error={first.error} onRetry={first.reload} />}
      {first.loading && !first.data && <Loading />}
      {first.data && items.length === 0 && (
        <EmptyState title={filtersActive ? t('list.noMatchTitle') : t('list.emptyTitle')}>
          {filtersActive ? t('list.noMatchText') : t('list.emptyText')}
        </EmptyState>
      )}
      {items.length > 0 && (
        <>
          <div className="table-wrap" role="region" aria-label={t('list.tableLabel')} tabIndex={0}>
            <table className="table" aria-busy={first.loading}>
              <thead>
                <tr>
                  {headers.map((header) => (
                    <th
                      key={header.label}
                      scope="col"
                      aria-sort={header.key ? ariaSort(header.key) : undefined}
                    >
                      {header.key ? (
                        <button
                          type="button"
                          className="sort-button"
                          onClick={() => header.key && toggleSort(header.key)}
                        >
                          {header.label}
                          <span className="sort-indicator" aria-hidden="true">
                            {sortKey === header.key ? (desc ? '↓' : '↑') : '↕'}
                          </span>
                        </button>
                      ) : (
                        header.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((task) => {
                  const name = task.assignee?.name ?? memberName(task.assigneeId);
                  const overdue = isOverdue(task);
                  return (
                    <tr key={task.id}>
                      <td className="cell-title">
                        <Link
                          to={`/projects/${encodeURIComponent(project.id)}/tasks/${encodeURIComponent(task.id)}`}
                        >
                          {task.title}
                        </Link>
                      </td>
                      <td>
                        <StatusBadge status={task.status} />
                      </td>
                      <td>
                        <PriorityBadge priority={task.priority} />
                      </td>
                      <td>
                        <Assignee id={task.assigneeId} name={name} />
                      </td>
                      <td>
                        {task.dueAt ? (
                          <span className={`due${overdue ? ' due-overdue' : ''}`}>
                            {overdue && (
                              <span className="visually-hidden">{t('task.overdue')}: </span>
                            )}
                            {formatDate(task.dueAt, i18n.language)}
                          </span>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                      <td>
                        <span className="chips">
                          {task.labels.map((l) => (
                            <LabelChip key={l.id} label={l} />
                          ))}
                        </span>
                      </td>
                      <td className="muted nowrap">{formatDate(task.updatedAt, i18n.language)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="list-footer">
            <span className="muted">{t('list.shown', { count: items.length })}</span>
            {nextCursor && (
              <button
                type="button"
                className="button"
                onClick={() => void loadMore()}
                disabled={loadingMore}
              >
                {loadingMore ? t('common.loading') : t('list.loadMore')}
              </button>
            )}
          </div>
        </>
      )}
    </div>
  );
}
