// Shown after a 412: the fields the user changed, their value in the version saved meanwhile and
// the user's own, with "reapply mine" and "keep theirs".
import { useTranslation } from 'react-i18next';
import type { Column, Priority } from '../../api/types';
import { Icon } from '../../components/Icon';
import { columnChoice } from '../../lib/board';
import { formatDue, fromDueInput } from '../../lib/format';
import { useProject } from '../../lib/project';
import { draftOf, type Conflict, type Draft, type DraftField } from './draft';

export function ConflictPanel({
  conflict,
  draft,
  columns,
  saving,
  onReapply,
  onKeepTheirs,
}: {
  conflict: Conflict;
  draft: Draft;
  /** The project's columns: a column is shown by its name. */
  columns: readonly Column[];
  saving: boolean;
  onReapply: () => void;
  onKeepTheirs: () => void;
}) {
  const { t, i18n } = useTranslation();
  const { labels, memberName } = useProject();
  const theirs = draftOf(conflict.theirs);
  const show = (field: DraftField, value: Draft[DraftField]): string => {
    if (Array.isArray(value)) {
      const names = value.map((id) => labels.find((l) => l.id === id)?.name ?? id);
      return names.length ? names.join(', ') : '—';
    }
    if (field === 'columnId') {
      const column = columns.find((c) => c.id === value);
      return column ? columnChoice(column, (s) => t(`status.${s}`)) : '—';
    }
    if (field === 'priority') return t(`priority.${value as Priority}`);
    if (field === 'assigneeId') return memberName(value) ?? t('task.unassigned');
    if (field === 'due') return value ? formatDue(fromDueInput(value), i18n.language) : '—';
    return value || '—';
  };
  const fieldLabel: Record<DraftField, string> = {
    title: t('task.title'),
    description: t('task.description'),
    columnId: t('task.status'),
    priority: t('task.priority'),
    due: t('task.due'),
    assigneeId: t('task.assignee'),
    labelIds: t('task.labels'),
  };
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-title">
      <h2 id="conflict-title">
        <Icon name="alert" />
        {t('conflict.title')}
      </h2>
      <p>{t('conflict.text')}</p>
      <div className="table-wrap">
        <table className="table conflict-table">
          <thead>
            <tr>
              <th scope="col">{t('conflict.field')}</th>
              <th scope="col">{t('conflict.theirs')}</th>
              <th scope="col">{t('conflict.yours')}</th>
            </tr>
          </thead>
          <tbody>
            {conflict.fields.map((field) => (
              <tr key={field}>
                <th scope="row">{fieldLabel[field]}</th>
                <td className="prewrap" data-testid={`theirs-${field}`}>
                  {show(field, theirs[field])}
                </td>
                <td className="prewrap" data-testid={`yours-${field}`}>
                  {show(field, draft[field])}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="conflict-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={onReapply}
          disabled={saving}
        >
          {t('conflict.reapply')}
        </button>
        <button type="button" className="button" onClick={onKeepTheirs} disabled={saving}>
          {t('conflict.keepTheirs')}
        </button>
      </div>
    </section>
  );
}
