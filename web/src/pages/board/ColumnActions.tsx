// Managing the board's columns (editors): the "Add column" button at the end of the board, and
// each column's menu — rename, WIP limit and colour (one dialog), move left or right, delete
// (its tasks go to a column the user picks). After each change the board is read again.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { columns as columnsApi } from '../../api/endpoints';
import type { Column } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { SelectField } from '../../components/form/Field';
import { Icon } from '../../components/Icon';
import { InlineError } from '../../components/States';
import { columnStep } from '../../lib/board';
import { describeError } from '../../lib/errors';
import { useProject } from '../../lib/project';
import { useToast } from '../../lib/toast';
import { ColumnDialog, type ColumnDialogSubmit, type ColumnField } from './ColumnDialog';

export function AddColumn({ onAdded }: { onAdded: () => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { project } = useProject();
  const [open, setOpen] = useState(false);

  const create = async (change: ColumnDialogSubmit) => {
    if (change.kind !== 'create') return;
    const column = await columnsApi.create(project.id, change.input);
    setOpen(false);
    toast.success(t('columns.created', { column: column.name }));
    onAdded();
  };

  return (
    <div className="board-add-column">
      <button type="button" className="button" onClick={() => setOpen(true)}>
        <Icon name="plus" />
        {t('columns.add')}
      </button>
      <ColumnDialog open={open} onClose={() => setOpen(false)} onSubmit={create} />
    </div>
  );
}

type Open = { kind: 'menu' } | { kind: 'edit'; focus: ColumnField } | { kind: 'delete' };

export function ColumnActions({
  column,
  name,
  layout,
  nameOf,
  total,
  onChanged,
}: {
  column: Column;
  /** As its heading shows it. */
  name: string;
  /** Every column of the board, in order. */
  layout: readonly Column[];
  nameOf: (column: Column) => string;
  /** The column's tasks, whatever the filter shows. */
  total: number;
  onChanged: () => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const [open, setOpen] = useState<Open | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const order = layout.map((c) => c.id);
  const left = columnStep(order, column.id, -1);
  const right = columnStep(order, column.id, 1);

  const save = async (change: ColumnDialogSubmit) => {
    if (change.kind !== 'update') return;
    const saved = await columnsApi.update(column.id, change.patch);
    setOpen(undefined);
    toast.success(t('columns.saved', { column: nameOf(saved) }));
    onChanged();
  };

  const move = async (beforeId: string | null) => {
    setBusy(true);
    try {
      await columnsApi.update(column.id, { beforeId });
      toast.success(t('columns.moved', { column: name }));
      setOpen(undefined);
      onChanged();
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setBusy(false);
    }
  };

  const edit = (focus: ColumnField) => setOpen({ kind: 'edit', focus });
  return (
    <>
      <button
        type="button"
        className="icon-button column-menu-button"
        aria-label={t('columns.actions', { column: name })}
        title={t('columns.actions', { column: name })}
        onClick={() => setOpen({ kind: 'menu' })}
      >
        <Icon name="more" />
      </button>
      <Dialog
        open={open?.kind === 'menu'}
        title={t('columns.actionsTitle', { column: name })}
        onClose={() => setOpen(undefined)}
        size="sm"
      >
        <ul className="column-menu">
          <li>
            <button type="button" className="button" onClick={() => edit('name')}>
              <Icon name="edit" />
              {t('columns.rename')}
            </button>
          </li>
          <li>
            <button type="button" className="button" onClick={() => edit('wipLimit')}>
              <Icon name="alert" />
              {t('columns.setWipLimit')}
            </button>
          </li>
          <li>
            <button type="button" className="button" onClick={() => edit('color')}>
              <Icon name="tag" />
              {t('columns.setColor')}
            </button>
          </li>
          <li>
            <button
              type="button"
              className="button"
              disabled={busy || left === undefined}
              onClick={() => left !== undefined && void move(left)}
            >
              {t('columns.moveLeft')}
            </button>
          </li>
          <li>
            <button
              type="button"
              className="button"
              disabled={busy || right === undefined}
              onClick={() => right !== undefined && void move(right)}
            >
              {t('columns.moveRight')}
            </button>
          </li>
          <li>
            <button
              type="button"
              className="button button-danger-ghost"
              onClick={() => setOpen({ kind: 'delete' })}
            >
              <Icon name="trash" />
              {t('columns.delete')}
            </button>
          </li>
        </ul>
      </Dialog>
      <ColumnDialog
        open={open?.kind === 'edit'}
        column={column}
        name={name}
        focus={open?.kind === 'edit' ? open.focus : 'name'}
        onClose={() => setOpen(undefined)}
        onSubmit={save}
      />
      <Dialog
        open={open?.kind === 'delete'}
        title={t('columns.deleteTitle', { column: name })}
        onClose={() => setOpen(undefined)}
        size="sm"
      >
        {open?.kind === 'delete' && (
          <DeleteColumn
            column={column}
            name={name}
            layout={layout}
            nameOf={nameOf}
            total={total}
            onClose={() => setOpen(undefined)}
            onDeleted={(movedTo) => {
              setOpen(undefined);
              toast.success(t('columns.deleted', { column: name }));
              onChanged();
              focusAfterDelete(column.id, movedTo);
            }}
          />
        )}
      </Dialog>
    </>
  );
}

/**
 * Once the board has dropped the deleted column (it re-reads the board), the keyboard focus goes
 * to the menu of the column its tasks went to (else the first column's), not back to the page.
 */
function focusAfterDelete(deletedId: string, movedTo: string) {
  const started = performance.now();
  const columnOf = (id: string) => document.querySelector(`[data-column-id="${CSS.escape(id)}"]`);
  const step = () => {
    if (columnOf(deletedId)) {
      if (performance.now() - started < 10_000) requestAnimationFrame(step);
      return;
    }
    const target = columnOf(movedTo) ?? document.querySelector('[data-column-id]');
    target?.querySelector<HTMLElement>('.column-menu-button')?.focus();
  };
  requestAnimationFrame(step);
}

function DeleteColumn({
  column,
  name,
  layout,
  nameOf,
  total,
  onClose,
  onDeleted,
}: {
  column: Column;
  name: string;
  layout: readonly Column[];
  nameOf: (column: Column) => string;
  total: number;
  onClose: () => void;
  /** With the column its tasks went to. */
  onDeleted: (movedTo: string) => void;
}) {
  const { t } = useTranslation();
  const others = layout.filter((c) => c.id !== column.id);
  // Each category keeps a column: the service refuses (409) to delete the last one.
  const last = !others.some((c) => c.category === column.category);
  const [moveTo, setMoveTo] = useState(
    () => (others.find((c) => c.category === column.category) ?? others[0])?.id ?? '',
  );
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      // Sent even for a column that looks empty: its archived tasks move too (to a column of the
      // same category unless the user picked another).
      await columnsApi.remove(column.id, moveTo || undefined);
      onDeleted(moveTo);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  if (last)
    return (
      <>
        <p className="dialog-message">
          {t('columns.deleteLast', {
            column: name,
            category: t(`status.${column.category}`),
          })}
        </p>
        <div className="dialog-actions">
          <button type="button" className="button" onClick={onClose}>
            {t('common.close')}
          </button>
        </div>
      </>
    );
  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      {total > 0 ? (
        <SelectField
          id={`column-${column.id}-move-to`}
          label={t('columns.deleteMoveTo', { count: total })}
          value={moveTo}
          onChange={(event) => setMoveTo(event.target.value)}
          options={others.map((c) => ({ value: c.id, label: nameOf(c) }))}
          aria-describedby={`column-${column.id}-move-to-hint`}
        >
          <p id={`column-${column.id}-move-to-hint`} className="hint">
            {t('columns.deleteMoveHint')}
          </p>
        </SelectField>
      ) : (
        <p className="dialog-message">{t('columns.deleteEmpty')}</p>
      )}
      <InlineError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-danger" disabled={busy}>
          {t('columns.deleteConfirm')}
        </button>
      </div>
    </form>
  );
}
