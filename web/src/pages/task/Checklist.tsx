// The task's checklist: check and uncheck (everyone who may edit), add, rename, move up or down
// (buttons, so the keyboard reorders as well as the mouse) and delete. Viewers see it read-only.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { checklist as checklistApi } from '../../api/endpoints';
import type { ChecklistItem } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { Icon } from '../../components/Icon';
import { ErrorState, InlineError, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { useProject } from '../../lib/project';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';

type Direction = 'up' | 'down';

export function Checklist({ taskId, onChange }: { taskId: string; onChange: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { canEdit } = useProject();
  const list = useAsync(() => checklistApi.list(taskId), [taskId]);
  const [text, setText] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const [editing, setEditing] = useState<{ id: string; text: string } | undefined>(undefined);
  // After a move the same button keeps the focus (or its twin at the end of the list).
  const refocus = useRef<{ id: string; direction: Direction } | undefined>(undefined);

  const items = list.data ?? [];
  const done = items.filter((item) => item.done).length;

  useEffect(() => {
    const moved = refocus.current;
    if (!moved || !list.data) return;
    refocus.current = undefined;
    const index = list.data.findIndex((item) => item.id === moved.id);
    const atEdge = moved.direction === 'up' ? index === 0 : index === list.data.length - 1;
    const direction = atEdge ? (moved.direction === 'up' ? 'down' : 'up') : moved.direction;
    document.getElementById(`checklist-${direction}-${moved.id}`)?.focus();
  }, [list.data]);

  /** Runs a write, then shows the list as the service now has it. */
  const write = async (action: () => Promise<unknown>) => {
    try {
      await action();
      list.setData(await checklistApi.list(taskId));
      onChange();
      return true;
    } catch (err) {
      toast.error(describeError(err, t));
      list.reload();
      return false;
    }
  };

  const add = async (event: FormEvent) => {
    event.preventDefault();
    const value = text.trim();
    if (!value) return;
    setBusy(true);
    setError(undefined);
    try {
      const item = await checklistApi.add(taskId, value);
      list.setData((previous) => [...(previous ?? []), item]);
      setText('');
      onChange();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const move = (item: ChecklistItem, index: number, direction: Direction) => {
    const beforeId = direction === 'up' ? items[index - 1]!.id : (items[index + 2]?.id ?? null);
    refocus.current = { id: item.id, direction };
    void write(() => checklistApi.update(item.id, { beforeId }));
  };

  const rename = async (event: FormEvent) => {
    event.preventDefault();
    if (!editing) return;
    const value = editing.text.trim();
    if (value && (await write(() => checklistApi.update(editing.id, { text: value })))) {
      setEditing(undefined);
    }
  };

  return (
    <CardSection name="checklist" title={t('checklist.title')} icon="check" className="checklist">
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && items.length === 0 && <p className="muted">{t('checklist.empty')}</p>}
      {items.length > 0 && (
        <>
          <p className="checklist-summary">
            <progress max={items.length} value={done} aria-hidden="true" />
            <span>{t('checklist.progress', { done, total: items.length })}</span>
          </p>
          <ol className="checklist-items">
            {items.map((item, index) => (
              <li key={item.id} className={item.done ? 'checklist-item done' : 'checklist-item'}>
                {editing?.id === item.id ? (
                  <form className="checklist-rename" onSubmit={(event) => void rename(event)}>
                    <label htmlFor={`checklist-text-${item.id}`} className="visually-hidden">
                      {t('checklist.renameLabel', { text: item.text })}
                    </label>
                    <input
                      id={`checklist-text-${item.id}`}
                      autoFocus
                      required
                      maxLength={500}
                      value={editing.text}
                      onChange={(event) => setEditing({ id: item.id, text: event.target.value })}
                      onKeyDown={(event) => {
                        if (event.key === 'Escape') setEditing(undefined);
                      }}
                    />
                    <button type="submit" className="button button-primary">
                      {t('checklist.save')}
                    </button>
                    <button
                      type="button"
                      className="button button-ghost"
                      onClick={() => setEditing(undefined)}
                    >
                      {t('checklist.cancel')}
                    </button>
                  </form>
                ) : (
                  <>
                    <label className="checklist-check">
                      <input
                        type="checkbox"
                        checked={item.done}
                        disabled={!canEdit}
                        onChange={(event) => {
                          const checked = event.target.checked;
                          // Shown at once; a refused write brings the service's state back.
                          list.setData((previous) =>
                            (previous ?? []).map((i) =>
                              i.id === item.id ? { ...i, done: checked } : i,
                            ),
                          );
                          void write(() => checklistApi.update(item.id, { done: checked }));
                        }}
                      />
                      <span className="checklist-text">{item.text}</span>
                    </label>
                    {canEdit && (
                      <span className="checklist-actions">
                        {(['up', 'down'] as const).map((direction) => {
                          const name = t(
                            direction === 'up' ? 'checklist.moveUp' : 'checklist.moveDown',
                            {
                              text: item.text,
                            },
                          );
                          return (
                            <button
                              key={direction}
                              type="button"
                              id={`checklist-${direction}-${item.id}`}
                              className="icon-button"
                              disabled={
                                direction === 'up' ? index === 0 : index === items.length - 1
                              }
                              aria-label={name}
                              title={name}
                              onClick={() => move(item, index, direction)}
                            >
                              <span aria-hidden="true">{direction === 'up' ? '↑' : '↓'}</span>
                            </button>
                          );
                        })}
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={t('checklist.rename', { text: item.text })}
                          title={t('checklist.rename', { text: item.text })}
                          onClick={() => setEditing({ id: item.id, text: item.text })}
                        >
                          <Icon name="edit" size={16} />
                        </button>
                        <button
                          type="button"
                          className="icon-button"
                          aria-label={t('checklist.delete', { text: item.text })}
                          title={t('checklist.delete', { text: item.text })}
                          onClick={() => void write(() => checklistApi.remove(item.id))}
                        >
                          <Icon name="trash" size={16} />
                        </button>
                      </span>
                    )}
                  </>
                )}
              </li>
            ))}
          </ol>
        </>
      )}
      {canEdit && (
        <form className="checklist-add" onSubmit={(event) => void add(event)}>
          <label htmlFor="checklist-new" className="visually-hidden">
            {t('checklist.add')}
          </label>
          <input
            id="checklist-new"
            maxLength={500}
            placeholder={t('checklist.placeholder')}
            value={text}
            onChange={(event) => setText(event.target.value)}
          />
          <button type="submit" className="button" disabled={busy || !text.trim()}>
            <Icon name="plus" size={16} />
            {t('checklist.add')}
          </button>
          <InlineError error={error} />
        </form>
      )}
    </CardSection>
  );
}
