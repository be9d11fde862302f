// The filter bar of the list and the board: a search box, assignee ("me" first), label, due
// before, and "Clear filters"; the list adds status (the board's columns are the statuses).
// Values live in the URL (lib/taskFilter.ts); the search box writes it after a short pause.
import { useEffect, useState } from 'react';
import type { Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { PRIORITIES, STATUSES } from '../api/types';
import { useAuth } from '../lib/auth';
import { useProject } from '../lib/project';
import type { TaskFilter } from '../lib/taskFilter';
import { SelectField, TextField } from './form/Field';
import { SearchInput } from './form/SearchInput';
import { SavedViews } from './SavedViews';

export type FilterChanges = Partial<Record<keyof TaskFilter | 'status', string | undefined>>;

export function TaskFilters({
  idPrefix,
  searchId,
  searchRef,
  filter,
  status,
  onChange,
  searchLabel,
  searchPlaceholder,
  savedViews,
}: {
  idPrefix: string;
  searchId: string;
  /** The search box's label and placeholder, when not the list's. */
  searchLabel?: string;
  searchPlaceholder?: string;
  /** The screen whose filters can be saved as a view (none: no saved views here). */
  savedViews?: 'board' | 'list';
  searchRef: Ref<HTMLInputElement>;
  filter: TaskFilter;
  /** The list's status filter; absent on the board. */
  status?: string;
  onChange: (changes: FilterChanges) => void;
}) {
  const { t } = useTranslation();
  const { user } = useAuth();
  const { members, labels } = useProject();
  const [search, setSearch] = useState(filter.q);

  // Typing updates the URL after a short pause, so the view follows without work per key.
  useEffect(() => {
    if (search.trim() === filter.q) return;
    const timer = window.setTimeout(() => onChange({ q: search.trim() || undefined }), 300);
    return () => window.clearTimeout(timer);
  }, [search, filter.q, onChange]);
  // Changed from elsewhere (back button, a link): the box follows, during render as React
  // advises for state derived from props.
  const [shownQ, setShownQ] = useState(filter.q);
  if (filter.q !== shownQ) {
    setShownQ(filter.q);
    if (search.trim() !== filter.q) setSearch(filter.q);
  }

  const me = members.find((m) => m.userId === user?.id);
  const people = me ? [me, ...members.filter((m) => m !== me)] : members;
  const active = Boolean(
    status || filter.q || filter.assignee || filter.label || filter.priority || filter.due,
  );

  return (
    <div className="filters" role="search" aria-label={t('list.filters')}>
      <SearchInput
        id={searchId}
        label={searchLabel ?? t('list.search')}
        inputRef={searchRef}
        placeholder={searchPlaceholder ?? t('list.searchPlaceholder')}
        value={search}
        onChange={(event) => setSearch(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') onChange({ q: search.trim() || undefined });
        }}
      />
      {status !== undefined && (
        <SelectField
          id={`${idPrefix}-status`}
          label={t('list.status')}
          fieldClass="field-inline"
          value={status}
          onChange={(event) => onChange({ status: event.target.value || undefined })}
          empty={t('list.any')}
          options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        />
      )}
      <SelectField
        id={`${idPrefix}-assignee`}
        label={t('list.assignee')}
        fieldClass="field-inline"
        value={filter.assignee}
        onChange={(event) => onChange({ assignee: event.target.value || undefined })}
        empty={t('list.anyone')}
        options={people.map((m) => ({
          value: m.userId,
          label: m === me ? t('list.me', { name: m.name }) : m.name,
        }))}
      />
      <SelectField
        id={`${idPrefix}-label`}
        label={t('list.label')}
        fieldClass="field-inline"
        value={filter.label}
        onChange={(event) => onChange({ label: event.target.value || undefined })}
        empty={t('list.any')}
        options={labels.map((l) => ({ value: l.id, label: l.name }))}
      />
      <SelectField
        id={`${idPrefix}-priority`}
        label={t('list.priority')}
        fieldClass="field-inline"
        value={filter.priority}
        onChange={(event) => onChange({ priority: event.target.value || undefined })}
        empty={t('list.any')}
        options={PRIORITIES.map((p) => ({ value: p, label: t(`priority.${p}`) }))}
      />
      <TextField
        id={`${idPrefix}-due`}
        label={t('list.dueBefore')}
        fieldClass="field-inline"
        type="date"
        value={filter.due}
        onChange={(event) => onChange({ due: event.target.value || undefined })}
      />
      {active && (
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            setSearch('');
            onChange({
              status: undefined,
              assignee: undefined,
              label: undefined,
              priority: undefined,
              due: undefined,
              q: undefined,
            });
          }}
        >
          {t('list.clear')}
        </button>
      )}
      {savedViews && <SavedViews screen={savedViews} />}
    </div>
  );
}
