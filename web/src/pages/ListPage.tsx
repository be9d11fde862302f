// The list: a sortable table with filters and search that live in the URL, and "load more"
// through the service's cursor. The same table, with `archived`, is the project's archive: the
// archived tasks, newest first, each with a Restore button for editors. Each row's status is
// shown as the board column the task is in (in its category's colours).
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { columns as columnsApi, tasks as tasksApi } from '../api/endpoints';
import type { Priority, Status, Task, TaskQuery, TaskSort } from '../api/types';
import { PRIORITIES, STATUSES } from '../api/types';
import { Assignee } from '../components/Avatar';
import { ChecklistBadge, LabelChip, PriorityBadge, StatusBadge } from '../components/Badges';
import { EmptyState, ErrorState, Loading } from '../components/States';
import { TaskFilters } from '../components/TaskFilters';
import { nameOfColumn } from '../lib/board';
import { describeError } from '../lib/errors';
import { formatDate, formatDue, isOverdue, startOfDateInput } from '../lib/format';
import { flashTasks, isTaskEvent, useLiveEvents } from '../lib/live';
import { useProject } from '../lib/project';
import { Link, navigate, useSearchParams } from '../lib/router';
import { useScreenAction } from '../lib/screenActions';
import { useShortcut } from '../lib/shortcuts';
import { isFiltered, readFilter } from '../lib/taskFilter';
import { useToast } from '../lib/toast';
import { useAsync } from '../lib/useAsync';

const PAGE_SIZE = 50;

/** Sortable columns and the service's `sort` values (ascending; `-` prefix for descending). */
const SORTABLE = {
  title: 'title',
  priority: 'priority',
  dueAt: 'dueAt',
  updatedAt: 'updatedAt',
  archivedAt: 'archivedAt',
} as const;
type SortKey = keyof typeof SORTABLE;
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
  'archivedAt',
  '-archivedAt',
] satisfies TaskSort[]);
const isSort = (value: string | null): value is TaskSort => value !== null && SORTS.has(value);

function parseSort(sort: string): { key: SortKey | undefined; desc: boolean } {
  const desc = sort.startsWith('-');
  const field = desc ? sort.slice(1) : sort;
  const key = (Object.keys(SORTABLE) as SortKey[]).find((k) => SORTABLE[k] === field);
  return { key, desc };
}

export default function ListPage({ archived = false }: { archived?: boolean }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { project, memberName, canEdit } = useProject();
  const [params, setParams] = useSearchParams();
  const status = params.get('status') ?? '';
  const filter = readFilter(params);
  const { assignee, label, priority, due, q } = filter;
  const sortParam = params.get('sort');
  const DEFAULT_SORT: TaskSort = archived ? '-archivedAt' : '-updatedAt';
  const sort: TaskSort = isSort(sortParam) ? sortParam : DEFAULT_SORT;
  const searchRef = useRef<HTMLInputElement>(null);
  const [extra, setExtra] = useState<{ items: Task[]; nextCursor: string | null } | undefined>(
    undefined,
  );
  const [loadingMore, setLoadingMore] = useState(false);

  useShortcut('/', () => searchRef.current?.focus());
  const newTask = () => navigate(`/projects/${encodeURIComponent(project.id)}?new=1`);
  useShortcut('n', newTask, canEdit);
  useScreenAction('newTask', newTask, canEdit);

  const query: TaskQuery = {
    status: (STATUSES as readonly string[]).includes(status) ? (status as Status) : undefined,
    assigneeId: assignee || undefined,
    label: label || undefined,
    priority: (PRIORITIES as readonly string[]).includes(priority)
      ? (priority as Priority)
      : undefined,
    dueBefore: startOfDateInput(due),
    q: q || undefined,
    ...(archived ? { archived: true } : {}),
    sort,
    limit: PAGE_SIZE,
  };
  const key = JSON.stringify(query);
  const first = useAsync(async () => {
    setExtra(undefined);
    return tasksApi.list(project.id, query);
  }, [project.id, key]);

  // Live changes by others: the first page is read again (more pages are dropped, as after a
  // filter change) and the changed rows flash.
  const listRef = useRef<HTMLDivElement>(null);
  const liveChanged = useRef(new Set<string>());
  useLiveEvents((event) => {
    if (!isTaskEvent(event) && event.type !== 'reset') return;
    if ('taskId' in event && event.taskId) liveChanged.current.add(event.taskId);
    first.reload();
  });
  useEffect(() => {
    if (first.loading || liveChanged.current.size === 0) return;
    const changed = liveChanged.current;
    liveChanged.current = new Set();
    requestAnimationFrame(() => flashTasks(listRef.current, changed));
  }, [first.loading]);

  // The project's columns, to name each row's; until they are read (or if that fails), statuses.
  const columns = useAsync(() => columnsApi.list(project.id), [project.id]);
  useLiveEvents((event) => {
    if (event.type.startsWith('column.')) columns.reload();
  });

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

  const [restoring, setRestoring] = useState<string | undefined>(undefined);
  const restore = async (task: Task) => {
    setRestoring(task.id);
    try {
      await tasksApi.setArchived(task.id, false);
      toast.success(t('archive.restored', { title: task.title }));
      first.reload();
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setRestoring(undefined);
    }
  };

  const filtersActive = Boolean(status) || isFiltered(filter);
  const empty = archived
    ? filtersActive
      ? { title: t('archive.noMatchTitle'), text: t('archive.noMatchText') }
      : { title: t('archive.emptyTitle'), text: t('archive.emptyText') }
    : filtersActive
      ? { title: t('list.noMatchTitle'), text: t('list.noMatchText') }
      : { title: t('list.emptyTitle'), text: t('list.emptyText') };
  const headers: { key: SortKey | undefined; label: string }[] = [
    { key: 'title', label: t('list.title') },
    { key: undefined, label: t('list.status') },
    { key: 'priority', label: t('list.priority') },
    { key: undefined, label: t('list.assignee') },
    { key: 'dueAt', label: t('list.due') },
    { key: undefined, label: t('list.labels') },
    archived
      ? { key: 'archivedAt', label: t('archive.archivedAt') }
      : { key: 'updatedAt', label: t('list.updated') },
  ];

  return (
    <div className="list-page">
      {archived && (
        <>
          <h2 className="visually-hidden">{t('archive.title')}</h2>
          <p className="muted">{t('archive.intro')}</p>
        </>
      )}
      <TaskFilters
        idPrefix="filter"
        searchId={archived ? 'archive-search' : 'list-search'}
        searchLabel={archived ? t('archive.search') : undefined}
        searchPlaceholder={archived ? t('archive.searchPlaceholder') : undefined}
        savedViews={archived ? undefined : 'list'}
        searchRef={searchRef}
        filter={filter}
        status={status}
        onChange={setParams}
      />

      {first.error !== undefined && <ErrorState error={first.error} onRetry={first.reload} />}
      {first.loading && !first.data && <Loading />}
      {first.data && items.length === 0 && (
        <EmptyState title={empty.title}>{empty.text}</EmptyState>
      )}
      {items.length > 0 && (
        <>
          <div
            ref={listRef}
            className="table-wrap"
            role="region"
            aria-label={archived ? t('archive.tableLabel') : t('list.tableLabel')}
            tabIndex={0}
          >
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
                  {archived && canEdit && (
                    <th scope="col">
                      <span className="visually-hidden">{t('archive.restore')}</span>
                    </th>
                  )}
                </tr>
              </thead>
              <tbody>
                {items.map((task) => {
                  const name = task.assignee?.name ?? memberName(task.assigneeId);
                  const overdue = isOverdue(task);
                  return (
                    <tr key={task.id} data-task-id={task.id}>
                      <td className="cell-title">
                        <Link
                          to={`/projects/${encodeURIComponent(project.id)}/tasks/${encodeURIComponent(task.id)}`}
                        >
                          {task.title}
                        </Link>{' '}
                        <ChecklistBadge progress={task.checklist} />
                      </td>
                      <td>
                        <StatusBadge
                          status={task.status}
                          label={nameOfColumn(columns.data, task.columnId, (s) => t(`status.${s}`))}
                        />
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
                            {formatDue(task.dueAt, i18n.language)}
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
                      <td className="muted nowrap">
                        {formatDate(
                          archived && task.archivedAt ? task.archivedAt : task.updatedAt,
                          i18n.language,
                        )}
                      </td>
                      {archived && canEdit && (
                        <td>
                          <button
                            type="button"
                            className="button"
                            aria-label={t('archive.restoreNamed', { title: task.title })}
                            disabled={restoring === task.id}
                            onClick={() => void restore(task)}
                          >
                            {t('archive.restore')}
                          </button>
                        </td>
                      )}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div className="list-footer">
            <span className="muted">
              {archived
                ? t('archive.shown', { count: items.length })
                : t('list.shown', { count: items.length })}
            </span>
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
