// The dialog that adds a column or edits one (`column`): its name, its category (chosen once, when
// it is added), its WIP limit and its colour. The form is mounted only while open, so each opening
// starts from the column as it is.
import { useEffect, useRef, useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { Column, ColumnInput, ColumnPatch, Status } from '../../api/types';
import { STATUSES } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { SelectField, TextField } from '../../components/form/Field';
import { InlineError } from '../../components/States';

/** Which field an opening starts in (the menu's Rename, Set WIP limit, Colour). */
export type ColumnField = 'name' | 'wipLimit' | 'color';

export type ColumnDialogSubmit =
  { kind: 'create'; input: ColumnInput } | { kind: 'update'; patch: ColumnPatch };

/** The colour the colour input starts at for a column without one (the `--s-*` tokens). */
const CATEGORY_COLORS: Record<Status, string> = {
  todo: '#868e96',
  in_progress: '#e8a10c',
  done: '#2f9e44',
};

export function ColumnDialog({
  open,
  column,
  name,
  focus = 'name',
  onClose,
  onSubmit,
}: {
  open: boolean;
  /** The column edited; none: a new one. */
  column?: Column;
  /** The edited column's name as shown. */
  name?: string;
  focus?: ColumnField;
  onClose: () => void;
  onSubmit: (change: ColumnDialogSubmit) => Promise<void>;
}) {
  const { t } = useTranslation();
  return (
    <Dialog
      open={open}
      title={
        column ? t('columns.editTitle', { column: name ?? column.name }) : t('columns.newTitle')
      }
      onClose={onClose}
    >
      {open && (
        <ColumnForm
          key={column?.id ?? 'new'}
          column={column}
          name={name}
          focus={focus}
          onClose={onClose}
          onSubmit={onSubmit}
        />
      )}
    </Dialog>
  );
}

function ColumnForm({
  column,
  name: shownName,
  focus,
  onClose,
  onSubmit,
}: {
  column?: Column;
  name?: string;
  focus: ColumnField;
  onClose: () => void;
  onSubmit: (change: ColumnDialogSubmit) => Promise<void>;
}) {
  const { t } = useTranslation();
  const initialName = shownName ?? column?.name ?? '';
  const [name, setName] = useState(initialName);
  const [category, setCategory] = useState<Status>(column?.category ?? 'in_progress');
  const [wipLimit, setWipLimit] = useState(column?.wipLimit?.toString() ?? '');
  const [ownColor, setOwnColor] = useState(!!column?.color);
  const [color, setColor] = useState(column?.color ?? CATEGORY_COLORS[category]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const nameRef = useRef<HTMLInputElement>(null);
  const wipLimitRef = useRef<HTMLInputElement>(null);
  const colorRef = useRef<HTMLInputElement>(null);
  // After the dialog has opened (Dialog shows it in a layout effect): the field the menu named.
  useEffect(() => {
    const field = { name: nameRef, wipLimit: wipLimitRef, color: colorRef }[focus];
    field.current?.focus();
  }, [focus]);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    const limit = wipLimit.trim() === '' ? null : Number(wipLimit);
    const chosenColor = ownColor ? color : null;
    try {
      if (!column) {
        await onSubmit({
          kind: 'create',
          input: { name: name.trim(), category, wipLimit: limit, color: chosenColor },
        });
      } else {
        const patch: ColumnPatch = {};
        if (name.trim() !== initialName) patch.name = name.trim();
        if (limit !== column.wipLimit) patch.wipLimit = limit;
        if (chosenColor !== column.color) patch.color = chosenColor;
        if (Object.keys(patch).length === 0) onClose();
        else await onSubmit({ kind: 'update', patch });
      }
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const id = column ? `column-${column.id}-edit` : 'column-new';
  return (
    <form className="form" onSubmit={(event) => void submit(event)}>
      <TextField
        id={`${id}-name`}
        label={t('columns.name')}
        required
        maxLength={60}
        inputRef={nameRef}
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      {column ? (
        <p className="muted">
          {t('columns.categoryFixed', { category: t(`status.${column.category}`) })}
        </p>
      ) : (
        <SelectField
          id={`${id}-category`}
          label={t('columns.category')}
          value={category}
          onChange={(event) => {
            const next = event.target.value as Status;
            setCategory(next);
            if (!ownColor) setColor(CATEGORY_COLORS[next]);
          }}
          options={STATUSES.map((status) => ({ value: status, label: t(`status.${status}`) }))}
          aria-describedby={`${id}-category-hint`}
        >
          <p id={`${id}-category-hint`} className="hint">
            {t('columns.categoryHint')}
          </p>
        </SelectField>
      )}
      <TextField
        id={`${id}-wip`}
        label={t('columns.wipLimit')}
        type="number"
        inputMode="numeric"
        min={1}
        max={999}
        step={1}
        inputRef={wipLimitRef}
        value={wipLimit}
        onChange={(event) => setWipLimit(event.target.value)}
        aria-describedby={`${id}-wip-hint`}
      >
        <p id={`${id}-wip-hint`} className="hint">
          {t('columns.wipLimitHint')}
        </p>
      </TextField>
      <fieldset className="field" aria-describedby={`${id}-color-hint`}>
        <legend>{t('columns.color')}</legend>
        <div className="column-color-row">
          <label className="column-color-own">
            <input
              type="checkbox"
              ref={colorRef}
              checked={ownColor}
              onChange={(event) => setOwnColor(event.target.checked)}
            />
            {t('columns.ownColor')}
          </label>
          <label htmlFor={`${id}-color`} className="visually-hidden">
            {t('columns.colorPick')}
          </label>
          <input
            id={`${id}-color`}
            type="color"
            className="column-color-input"
            value={color}
            disabled={!ownColor}
            onChange={(event) => setColor(event.target.value)}
          />
        </div>
        <p id={`${id}-color-hint`} className="hint">
          {t('columns.colorHint')}
        </p>
      </fieldset>
      <InlineError error={error} />
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          {t('common.cancel')}
        </button>
        <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
          {column ? t('columns.save') : t('columns.create')}
        </button>
      </div>
    </form>
  );
}
