// The command palette (Ctrl+K / ⌘K, or the header's button): one box to go to a page, a project
// or a task. A combobox over one listbox grouped as Actions (pages, what the screen shown offers,
// and "search all tasks"), Projects (mine, filtered here ignoring case and accents) and Tasks
// (the search service's top 5, asked shortly after the last keystroke; older answers are dropped).
// Arrows move the active option, Enter opens it, Escape closes and focus goes back where it was.
import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode, RefObject } from 'react';
import { useTranslation } from 'react-i18next';
import { projects as projectsApi, search as searchApi } from '../api/endpoints';
import type { SearchHit } from '../api/types';
import { describeError } from '../lib/errors';
import { navigate } from '../lib/router';
import { runScreenAction, useScreenActions } from '../lib/screenActions';
import { includesFolded, queryWords, searchPath } from '../lib/searchText';
import { isCommandKey } from '../lib/shortcuts';
import { useAsync } from '../lib/useAsync';
import { StatusBadge } from './Badges';
import { Dialog } from './Dialog';
import { Highlight } from './Highlight';
import { Icon } from './Icon';
import type { IconName } from './Icon';

/** The pause after the last keystroke before tasks are searched. */
const DEBOUNCE_MS = 150;
const TASKS_SHOWN = 5;
/** Projects listed with an empty box, and at most when filtering. */
const PROJECTS_IDLE = 5;
const PROJECTS_FILTERED = 8;
const QUERY_MAX = 200;

type GroupId = 'actions' | 'projects' | 'tasks';

interface Option {
  key: string;
  group: GroupId;
  content: ReactNode;
  run: () => void;
}

export default function CommandPalette({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const inputRef = useRef<HTMLInputElement>(null);

  // After the dialog's showModal (a child's effect runs first), so that the box, not the close
  // button, has the focus.
  useEffect(() => {
    if (open) inputRef.current?.focus();
  }, [open]);

  return (
    <Dialog open={open} title={t('palette.title')} onClose={onClose} className="palette" hideTitle>
      {/* Mounted while open only: every opening starts from an empty box. */}
      <PaletteBody inputRef={inputRef} onClose={onClose} />
    </Dialog>
  );
}

function PaletteBody({
  inputRef,
  onClose,
}: {
  inputRef: RefObject<HTMLInputElement | null>;
  onClose: () => void;
}) {
  const { t } = useTranslation();
  const listId = useId();
  const [query, setQuery] = useState('');
  const [activeKey, setActiveKey] = useState<string | undefined>(undefined);
  const screenActions = useScreenActions();
  const projects = useAsync(() => projectsApi.list(), []);
  const q = query.trim().slice(0, QUERY_MAX);
  const words = useMemo(() => queryWords(q), [q]);

  // Tasks: searched a moment after the last keystroke; an answer for older text is dropped.
  const [found, setFound] = useState<{ q: string; hits?: SearchHit[]; error?: unknown }>({
    q: '',
  });
  useEffect(() => {
    if (!q) return;
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      searchApi.tasks({ q, limit: TASKS_SHOWN }, controller.signal).then(
        (page) => {
          if (!controller.signal.aborted) setFound({ q, hits: page.items });
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setFound({ q, error });
        },
      );
    }, DEBOUNCE_MS);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [q]);

  const line = (icon: IconName, text: ReactNode) => (
    <>
      <Icon name={icon} />
      <span className="palette-option-text">{text}</span>
    </>
  );
  const actions: Option[] = [
    ...(screenActions.includes('newTask')
      ? [
          {
            key: 'newTask',
            label: t('palette.newTask'),
            icon: 'plus' as const,
            run: () => runScreenAction('newTask'),
          },
        ]
      : []),
    {
      key: 'myWork',
      label: t('palette.goMyWork'),
      icon: 'check' as const,
      run: () => navigate('/my-work'),
    },
    {
      key: 'inbox',
      label: t('palette.goInbox'),
      icon: 'bell' as const,
      run: () => navigate('/inbox'),
    },
    {
      key: 'projects',
      label: t('palette.goProjects'),
      icon: 'board' as const,
      run: () => navigate('/'),
    },
    {
      key: 'account',
      label: t('palette.goAccount'),
      icon: 'users' as const,
      run: () => navigate('/account'),
    },
  ]
    .filter((action) => !q || includesFolded(action.label, q))
    .map(({ key, label, icon, run }) => ({
      key: `action:${key}`,
      group: 'actions' as const,
      content: line(icon, label),
      run,
    }));
  if (q) {
    actions.push({
      key: 'action:search',
      group: 'actions',
      content: line('search', t('palette.searchAll', { q })),
      run: () => navigate(searchPath(q)),
    });
  }

  const projectOptions: Option[] = (projects.data ?? [])
    .filter((project) => !q || includesFolded(project.name, q))
    .slice(0, q ? PROJECTS_FILTERED : PROJECTS_IDLE)
    .map((project) => ({
      key: `project:${project.id}`,
      group: 'projects',
      content: line('board', project.name),
      run: () => navigate(`/projects/${encodeURIComponent(project.id)}`),
    }));

  const hits = q && found.q === q ? (found.hits ?? []) : [];
  const taskOptions: Option[] = hits.slice(0, TASKS_SHOWN).map(({ task, project }) => ({
    key: `task:${task.id}`,
    group: 'tasks',
    content: (
      <>
        <Icon name="list" />
        <span className="palette-option-text">
          <Highlight text={task.title} words={words} />
          <span className="palette-option-meta">{project.name}</span>
        </span>
        <StatusBadge status={task.status} />
      </>
    ),
    run: () =>
      navigate(`/projects/${encodeURIComponent(project.id)}/tasks/${encodeURIComponent(task.id)}`),
  }));

  const options = [...actions, ...projectOptions, ...taskOptions];
  const activeIndex = Math.max(
    0,
    options.findIndex((option) => option.key === activeKey),
  );
  const optionId = (index: number) => `${listId}-option-${index}`;
  const groups: { id: GroupId; label: string }[] = [
    { id: 'actions', label: t('palette.actions') },
    { id: 'projects', label: t('palette.projects') },
    { id: 'tasks', label: t('palette.tasks') },
  ];

  const activeId = options.length > 0 ? optionId(activeIndex) : undefined;
  useEffect(() => {
    if (activeId) document.getElementById(activeId)?.scrollIntoView({ block: 'nearest' });
  }, [activeId]);

  const choose = (option: Option | undefined) => {
    if (!option) return;
    onClose();
    // Once the dialog has closed and handed the focus back: the new page (or the quick-add box)
    // then takes it.
    window.setTimeout(option.run, 0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (options.length === 0) return;
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActiveKey(options[(activeIndex + step + options.length) % options.length]?.key);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      choose(options[activeIndex]);
    } else if (isCommandKey(event, 'k')) {
      // The same key closes it again.
      event.preventDefault();
      onClose();
    }
  };

  let status = '';
  if (q && found.q !== q) status = t('palette.searching');
  else if (q && found.error !== undefined)
    status = t('palette.failed', { reason: describeError(found.error, t) });
  else if (q && hits.length === 0) status = t('palette.noTasks');

  return (
    <div className="palette-body">
      <label htmlFor={`${listId}-input`} className="visually-hidden">
        {t('palette.input')}
      </label>
      <div className="palette-input">
        <Icon name="search" />
        <input
          id={`${listId}-input`}
          ref={inputRef}
          type="text"
          role="combobox"
          autoComplete="off"
          spellCheck={false}
          maxLength={QUERY_MAX}
          placeholder={t('palette.placeholder')}
          aria-autocomplete="list"
          aria-expanded={options.length > 0}
          aria-controls={listId}
          aria-activedescendant={activeId}
          value={query}
          onChange={(event) => {
            setQuery(event.target.value);
            setActiveKey(undefined);
          }}
          onKeyDown={onKeyDown}
        />
      </div>
      <div id={listId} role="listbox" aria-label={t('palette.results')} className="palette-list">
        {groups.map(({ id, label }) => {
          const members = options.filter((option) => option.group === id);
          if (members.length === 0) return null;
          return (
            <div
              key={id}
              role="group"
              aria-labelledby={`${listId}-${id}`}
              className="palette-group"
            >
              <div id={`${listId}-${id}`} className="palette-group-label">
                {label}
              </div>
              {members.map((option) => {
                const index = options.indexOf(option);
                return (
                  <div
                    key={option.key}
                    id={optionId(index)}
                    role="option"
                    aria-selected={index === activeIndex}
                    className="palette-option"
                    onMouseDown={(event) => event.preventDefault()}
                    onMouseMove={() => {
                      if (option.key !== activeKey) setActiveKey(option.key);
                    }}
                    onClick={() => choose(option)}
                  >
                    {option.content}
                  </div>
                );
              })}
            </div>
          );
        })}
      </div>
      <p className="palette-status muted" role="status">
        {status}
      </p>
      <p className="palette-hint muted">{t('palette.hint')}</p>
    </div>
  );
}
