// The task filters of the list and the board, read from the URL under the same names (q,
// assignee, label, priority, due): a filtered view can be shared, and switching between the two keeps it.
// The list sends them to the service; the board, which holds every task already, applies them
// here with the service's meaning.
import type { Task } from '../api/types';
import { startOfDateInput } from './format';

export interface TaskFilter {
  q: string;
  assignee: string;
  label: string;
  /** low, medium, high or urgent; '' for any. */
  priority: string;
  /** `YYYY-MM-DD`: due before the start of that local day. */
  due: string;
}

export const FILTER_KEYS = ['q', 'assignee', 'label', 'priority', 'due'] as const;

export function readFilter(params: URLSearchParams): TaskFilter {
  return {
    q: params.get('q') ?? '',
    assignee: params.get('assignee') ?? '',
    label: params.get('label') ?? '',
    priority: params.get('priority') ?? '',
    due: params.get('due') ?? '',
  };
}

/** `?q=…&label=…` with only the filter's keys of a query string, or '' when none is set. */
export function filterQuery(search: string): string {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = params.get(key);
    if (value) kept.set(key, value);
  }
  const qs = kept.toString();
  return qs ? `?${qs}` : '';
}

/** What a saved view keeps: the filters, the list's status and its order (as the service names them). */
const VIEW_KEYS = [...FILTER_KEYS, 'status', 'sort'] as const;

/** A query string's view part in the service's normalized form (`q=…&status=…`, no "?"). */
export function viewQuery(search: string): string {
  const params = new URLSearchParams(search);
  const kept = new URLSearchParams();
  for (const key of VIEW_KEYS) {
    const value = params.get(key)?.trim();
    if (value) kept.set(key, value);
  }
  return kept.toString();
}

export const isFiltered = (filter: TaskFilter) => FILTER_KEYS.some((key) => filter[key] !== '');

/** A predicate for the filter: the text of `q` in the title or description, as the service reads `q`. */
export function taskMatcher(
  filter: TaskFilter,
): (
  task: Pick<Task, 'title' | 'description' | 'assigneeId' | 'labels' | 'dueAt' | 'priority'>,
) => boolean {
  const needle = filter.q.trim().toLowerCase();
  const dueBefore = startOfDateInput(filter.due);
  const dueLimit = dueBefore === undefined ? undefined : Date.parse(dueBefore);
  return (task) =>
    (!needle ||
      task.title.toLowerCase().includes(needle) ||
      (task.description ?? '').toLowerCase().includes(needle)) &&
    (!filter.assignee || task.assigneeId === filter.assignee) &&
    (!filter.label || task.labels.some((label) => label.id === filter.label)) &&
    (!filter.priority || task.priority === filter.priority) &&
    (dueLimit === undefined || (task.dueAt !== null && Date.parse(task.dueAt) < dueLimit));
}
