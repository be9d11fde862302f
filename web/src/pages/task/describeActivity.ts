// One activity entry as a sentence in the UI language ("moved it from To do to Done"). A move
// between columns names the columns (`fromColumn`/`toColumn` in its details) when the board still
// has them; else the statuses.
import type { TFunction } from 'i18next';
import type { Activity, Status } from '../../api/types';
import { STATUSES } from '../../api/types';

const FIELD_KEYS = {
  title: 'task.title',
  description: 'task.description',
  status: 'task.status',
  columnId: 'task.status',
  priority: 'task.priority',
  dueAt: 'task.due',
  assigneeId: 'task.assignee',
  labels: 'task.labels',
} as const;

export function describeActivity(
  item: Activity,
  t: TFunction,
  /** The name the board shows a column by, if it has that column. */
  columnName: (columnId: string) => string | undefined = () => undefined,
): string {
  const details = item.details;
  const statusName = (value: unknown) =>
    typeof value === 'string' && (STATUSES as readonly string[]).includes(value)
      ? t(`status.${value as Status}`)
      : String(value);
  const columnOf = (value: unknown) => (typeof value === 'string' ? columnName(value) : undefined);
  const fromColumn = columnOf(details.fromColumn);
  const toColumn = columnOf(details.toColumn);
  const columns = fromColumn !== undefined && toColumn !== undefined;
  switch (item.action) {
    case 'task.created':
      return t('activity.actions.task_created');
    case 'task.moved':
      if (columns) return t('activity.actions.task_moved', { from: fromColumn, to: toColumn });
      return details.from === details.to
        ? t('activity.actions.task_reordered', { to: statusName(details.to) })
        : t('activity.actions.task_moved', {
            from: statusName(details.from),
            to: statusName(details.to),
          });
    case 'task.updated': {
      const fields = Array.isArray(details.fields) ? (details.fields as unknown[]) : [];
      if (columns && fields.length === 1)
        return t('activity.actions.task_moved', { from: fromColumn, to: toColumn });
      const names = fields
        .map((f) =>
          typeof f === 'string' && f in FIELD_KEYS
            ? t(FIELD_KEYS[f as keyof typeof FIELD_KEYS])
            : null,
        )
        .filter((n): n is string => n !== null)
        .map((n) => n.toLowerCase())
        .filter((n, i, all) => all.indexOf(n) === i);
      return names.length > 0
        ? t('activity.actions.task_updated_fields', { fields: names.join(', ') })
        : t('activity.actions.task_updated');
    }
    case 'task.deleted':
      return t('activity.actions.task_deleted');
    case 'task.archived':
      return t('activity.actions.task_archived');
    case 'task.restored':
      return t('activity.actions.task_restored');
    case 'comment.added':
      return t('activity.actions.comment_added');
    case 'comment.deleted':
      return t('activity.actions.comment_deleted');
    case 'checklist.item_added':
      return t('activity.actions.checklist_added', { text: String(details.text) });
    case 'checklist.item_updated': {
      const text = String(details.text);
      const fields = Array.isArray(details.fields) ? details.fields : [];
      if (fields.length === 1 && typeof details.done === 'boolean')
        return t(`activity.actions.${details.done ? 'checklist_checked' : 'checklist_unchecked'}`, {
          text,
        });
      return t('activity.actions.checklist_updated', { text });
    }
    case 'checklist.item_deleted':
      return t('activity.actions.checklist_deleted', { text: String(details.text) });
    case 'attachment.added':
      return t('activity.actions.attachment_added', { name: String(details.name) });
    case 'attachment.deleted':
      return t('activity.actions.attachment_deleted', { name: String(details.name) });
    case 'attachment.cover_set':
      return t('activity.actions.attachment_cover_set');
    default:
      return item.action;
  }
}
