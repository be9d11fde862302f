// One activity entry as a sentence in the UI language ("moved it from To do to Done").
import type { TFunction } from 'i18next';
import type { Activity, Status } from '../../api/types';
import { STATUSES } from '../../api/types';

const FIELD_KEYS = {
  title: 'task.title',
  description: 'task.description',
  status: 'task.status',
  priority: 'task.priority',
  dueAt: 'task.due',
  assigneeId: 'task.assignee',
  labels: 'task.labels',
} as const;

export function describeActivity(item: Activity, t: TFunction): string {
  const details = item.details;
  const statusName = (value: unknown) =>
    typeof value === 'string' && (STATUSES as readonly string[]).includes(value)
      ? t(`status.${value as Status}`)
      : String(value);
  switch (item.action) {
    case 'task.created':
      return t('activity.actions.task_created');
    case 'task.moved':
      return details.from === details.to
        ? t('activity.actions.task_reordered', { to: statusName(details.to) })
        : t('activity.actions.task_moved', {
            from: statusName(details.from),
            to: statusName(details.to),
          });
    case 'task.updated': {
      const fields = Array.isArray(details.fields) ? (details.fields as unknown[]) : [];
      const names = fields
        .map((f) =>
          typeof f === 'string' && f in FIELD_KEYS
            ? t(FIELD_KEYS[f as keyof typeof FIELD_KEYS])
            : null,
        )
        .filter((n): n is string => n !== null)
        .map((n) => n.toLowerCase());
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
