// "My work": the tasks assigned to me in all my projects, by due date, grouped here by the
// browser's own calendar (overdue, today, this week, later, no date), with the list view's
// filters but the assignee (status, label, priority, text, due before); or, with
// `?view=calendar`, on a calendar (pages/calendar, loaded when first shown).
import { Suspense, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { projects as projectsApi, tasks as tasksApi } from '../../api/endpoints';
import type { Label, Priority, Project, Status, Task } from '../../api/types';
import { PRIORITIES, STATUSES } from '../../api/types';
import { LabelChip, PriorityBadge, StatusBadge } from '../../components/Badges';
import { SelectField, TextField } from '../../components/form/Field';
import { SearchInput } from '../../components/form/SearchInput';
import { ErrorState, Loading } from '../../components/States';
import { formatDue, startOfDateInput } from '../../lib/format';
import { useMorePages } from '../../lib/morePages';
import { MoreButton } from '../../components/MoreButton';
import { lazyWithPreload } from '../../lib/lazy';
import { Link, useSearchParams } from '../../lib/router';
import { useAsync } from '../../lib/useAsync';
import type { CalendarSource } from '../calendar/CalendarView';

const CalendarView = lazyWithPreload(() => import('../calendar/CalendarView'));

const GROUPS = ['overdue', 'earlier', 'today', 'thisWeek', 'later', 'noDate'] as const;
type Group = (typeof GROUPS)[number];

/** The group of a task on the local calendar; a done task past its date is not overdue. */
export function groupOf(task: Pick<Task, 'dueAt' | 'status'>, now = new Date()): Group {
  if (!task.dueAt) return 'noDate';
  const due = new Date(task.dueAt).getTime();
  const startOfToday = new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  const startOfTomorrow = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1).getTime();
  const inAWeek = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 7).getTime();
  if (due < now.getTime() && task.status !== 'done') return 'overdue';
  if (due < startOfToday) return 'earlier';
  if (due < startOfTomorrow) return 'today';
  if (due < inAWeek) return 'thisWeek';
  return 'later';
}

export default function MyWorkPage() {
  const { t } = useTranslation();
  const [params, setParams] = useSearchParams();
  const calendar = params.get('view') === 'calendar';
  const projects = useAsync(() => projectsApi.list(), []);
  const projectName = useMemo(
    () => new Map((projects.data ?? []).map((p) => [p.id, p.name])),
    [projects.data],
  );
  // The calendar shows only what the view needs: the month or week goes, the list's filters stay.
  const show = (view: 'calendar' | undefined) =>
    setParams(view ? { view } : { view: undefined, month: undefined, week: undefined }, {
      replace: false,
    });

  return (
    <div className="page mywork-page">
      <div className="page-header">
        <div>
          <h1>{t('myWork.title')}</h1>
          <p className="page-subtitle">{t('myWork.subtitle')}</p>
        </div>
        <div className="segmented page-switch" role="group" aria-label={t('myWork.views')}>
          <button
            type="button"
            className="segmented-button"
            aria-pressed={!calendar}
            onClick={() => show(undefined)}
          >
            {t('myWork.viewList')}
          </button>
          <button
            type="button"
            className="segmented-button"
            aria-pressed={calendar}
            onClick={() => show('calendar')}
          >
            {t('myWork.viewCalendar')}
          </button>
        </div>
      </div>
      {calendar ? (
        <Suspense fallback={<Loading />}>
          <MyWorkCalendar projects={projects.data} projectName={projectName} />
        </Suspense>
      ) : (
        <MyWorkList projectName={projectName} />
      )}
    </div>
  );
}

/** My tasks on the calendar; moved where my role in their project lets me. */
function MyWorkCalendar({
  projects,
  projectName,
}: {
  projects: Project[] | undefined;
  projectName: Map<string, string>;
}) {
  const source = useMemo<CalendarSource>(() => {
    const roles = new Map((projects ?? []).map((p) => [p.id, p.role]));
    return {
      page: (range, cursor) => tasksApi.mine({ ...range, limit: 200, cursor }),
      canMove: (task) => (roles.get(task.projectId) ?? 'viewer') !== 'viewer',
      detail: (task) => projectName.get(task.projectId),
    };
  }, [projects, projectName]);
  return <CalendarView source={source} />;
}

function MyWorkList({ projectName }: { projectName: Map<string, string> }) {
  const { t, i18n } = useTranslation();
  const [status, setStatus] = useState<Status | ''>('');
  const [label, setLabel] = useState('');
  const [priority, setPriority] = useState<Priority | ''>('');
  const [due, setDue] = useState('');
  // The text box: the list follows a short pause after typing, as the list view's does.
  const [typed, setTyped] = useState('');
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = window.setTimeout(() => setQ(typed.trim()), 300);
    return () => window.clearTimeout(timer);
  }, [typed]);
  const query = {
    status: status || undefined,
    label: label || undefined,
    priority: priority || undefined,
    q: q || undefined,
    dueBefore: startOfDateInput(due),
    limit: 100,
  };
  const filtered = Boolean(status || label || priority || q || due);
  // The label filter offers every label seen on my tasks (labels belong to projects).
  const [labels, setLabels] = useState<Map<string, Label>>(new Map());
  const remember = (items: Task[]) =>
    setLabels((known) => {
      const next = new Map(known);
      for (const task of items) for (const l of task.labels) next.set(l.id, l);
      return next.size === known.size ? known : next;
    });
  const load = async (cursor?: string) => {
    const page = await tasksApi.mine({ ...query, cursor });
    remember(page.items);
    return page;
  };
  const list = useAsync(() => load(), [status, label, priority, q, due]);
  const more = useMorePages(list, load);
  const groups = useMemo(() => {
    const now = new Date();
    const by = new Map<Group, Task[]>();
    for (const task of list.data?.items ?? []) {
      const group = groupOf(task, now);
      by.set(group, [...(by.get(group) ?? []), task]);
    }
    return GROUPS.filter((g) => by.has(g)).map((g) => [g, by.get(g)!] as const);
  }, [list.data]);

  return (
    <>
      <div className="filters" role="search" aria-label={t('list.filters')}>
        <SearchInput
          id="mywork-search"
          label={t('list.search')}
          placeholder={t('list.searchPlaceholder')}
          value={typed}
          onChange={(event) => setTyped(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') setQ(typed.trim());
          }}
        />
        <SelectField
          id="mywork-status"
          label={t('list.status')}
          fieldClass="field-inline"
          value={status}
          onChange={(event) => setStatus(event.target.value as Status | '')}
          empty={t('list.any')}
          options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
        <SelectField
          id="mywork-label"
          label={t('list.label')}
          fieldClass="field-inline"
          value={label}
          onChange={(event) => setLabel(event.target.value)}
          empty={t('list.any')}
          options={[...labels.values()].map((l) => ({
            value: l.id,
            label: `${l.name} (${projectName.get(l.projectId) ?? '…'})`,
          }))}
        />
        <SelectField
          id="mywork-priority"
          label={t('list.priority')}
          fieldClass="field-inline"
          value={priority}
          onChange={(event) => setPriority(event.target.value as Priority | '')}
          empty={t('list.any')}
          options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
        />
        <TextField
          id="mywork-due"
          label={t('list.dueBefore')}
          fieldClass="field-inline"
          type="date"
          value={due}
          onChange={(event) => setDue(event.target.value)}
        />
        {filtered && (
          <button
            type="button"
            className="button button-ghost"
            onClick={() => {
              setStatus('');
              setLabel('');
              setPriority('');
              setTyped('');
              setQ('');
              setDue('');
            }}
          >
            {t('list.clear')}
          </button>
        )}
      </div>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && (
        <p className="muted">{t(filtered ? 'myWork.noMatch' : 'myWork.empty')}</p>
      )}
      {groups.map(([group, items]) => (
        <section key={group} aria-labelledby={`mywork-${group}`}>
          <h2 id={`mywork-${group}`} className="mywork-group">
            {t(`myWork.groups.${group}`)} <span className="muted">({items.length})</span>
          </h2>
          <ul className="mywork-list">
            {items.map((task) => (
              <li key={task.id} className="mywork-item">
                <div className="mywork-content">
                  <Link to={`/projects/${task.projectId}/tasks/${task.id}`}>{task.title}</Link>
                  <p className="muted inbox-meta">
                    {projectName.get(task.projectId) ?? ''}
                    {task.dueAt &&
                      ` · ${t('myWork.due', { date: formatDue(task.dueAt, i18n.language) })}`}
                  </p>
                </div>
                {task.labels.map((l) => (
                  <LabelChip key={l.id} label={l} />
                ))}
                <PriorityBadge priority={task.priority} />
                <StatusBadge status={task.status} />
              </li>
            ))}
          </ul>
        </section>
      ))}
      <MoreButton more={more} />
    </>
  );
}
