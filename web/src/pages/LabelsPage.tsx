// The project's labels: create, rename, recolour, merge one into another (its tasks get the other)
// and delete (tasks lose it). Editors and owners change them; viewers see the list.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { labels as labelsApi } from '../api/endpoints';
import type { Label } from '../api/types';
import { LabelChip } from '../components/Badges';
import { CardSection } from '../components/CardSection';
import { ConfirmDialog } from '../components/Dialog';
import { Select, TextField } from '../components/form/Field';
import { InlineError } from '../components/States';
import { describeError } from '../lib/errors';
import { useProject } from '../lib/project';
import { useToast } from '../lib/toast';

const byName = (a: Label, b: Label) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

type Pending = { kind: 'delete'; label: Label } | { kind: 'merge'; label: Label; into: Label };

export default function LabelsPage() {
  const { t } = useTranslation();
  const toast = useToast();
  const { project, labels, setLabels, canEdit } = useProject();
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Pending | undefined>(undefined);

  const create = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const label = await labelsApi.create(project.id, name.trim());
      setLabels([...labels, label].sort(byName));
      setName('');
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const saved = (label: Label) => {
    setLabels(labels.map((l) => (l.id === label.id ? label : l)).sort(byName));
    toast.success(t('labels.saved', { name: label.name }));
  };

  const confirm = async () => {
    if (!pending) return;
    try {
      if (pending.kind === 'delete') {
        await labelsApi.remove(pending.label.id);
        toast.success(t('labels.deleted', { name: pending.label.name }));
      } else {
        await labelsApi.merge(pending.label.id, pending.into.id);
        toast.success(t('labels.merged', { name: pending.label.name, into: pending.into.name }));
      }
      setLabels(labels.filter((l) => l.id !== pending.label.id));
    } catch (err) {
      toast.error(describeError(err, t));
    } finally {
      setPending(undefined);
    }
  };

  return (
    <div className="labels-page">
      <CardSection name="labels" title={t('labels.title')} count={labels.length}>
        {labels.length === 0 && <p className="muted">{t('labels.empty')}</p>}
        <ul className="label-list">
          {labels.map((label) => (
            <li key={label.id} className="label-row">
              {canEdit ? (
                <LabelEditor
                  label={label}
                  others={labels.filter((l) => l.id !== label.id)}
                  onSaved={saved}
                  onMerge={(into) => setPending({ kind: 'merge', label, into })}
                  onDelete={() => setPending({ kind: 'delete', label })}
                />
              ) : (
                <LabelChip label={label} />
              )}
            </li>
          ))}
        </ul>
      </CardSection>

      {canEdit && (
        <CardSection name="new-label" title={t('labels.newTitle')}>
          <form className="form form-row" onSubmit={(event) => void create(event)}>
            <TextField
              id="label-name"
              label={t('labels.name')}
              fieldClass="grow"
              required
              maxLength={50}
              value={name}
              onChange={(event) => setName(event.target.value)}
            />
            <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
              {t('labels.create')}
            </button>
          </form>
          <InlineError error={error} />
        </CardSection>
      )}

      <ConfirmDialog
        open={pending !== undefined}
        title={pending?.kind === 'merge' ? t('labels.mergeTitle') : t('labels.deleteTitle')}
        message={
          pending?.kind === 'merge'
            ? t('labels.mergeConfirm', { name: pending.label.name, into: pending.into.name })
            : t('labels.deleteConfirm', { name: pending?.label.name ?? '' })
        }
        confirmLabel={pending?.kind === 'merge' ? t('labels.merge') : t('labels.delete')}
        onClose={() => setPending(undefined)}
        onConfirm={() => void confirm()}
      />
    </div>
  );
}

function LabelEditor({
  label,
  others,
  onSaved,
  onMerge,
  onDelete,
}: {
  label: Label;
  others: Label[];
  onSaved: (label: Label) => void;
  onMerge: (into: Label) => void;
  onDelete: () => void;
}) {
  const { t } = useTranslation();
  const [name, setName] = useState(label.name);
  const [color, setColor] = useState(label.color);
  const [into, setInto] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const changed = name.trim() !== label.name || color !== label.color;

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const patch: { name?: string; color?: string } = {};
      if (name.trim() !== label.name) patch.name = name.trim();
      if (color !== label.color) patch.color = color;
      const updated = await labelsApi.update(label.id, patch);
      setName(updated.name);
      onSaved(updated);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const target = others.find((l) => l.id === into);
  return (
    <div className="label-editor">
      <form className="label-edit-form" onSubmit={(event) => void save(event)}>
        <label htmlFor={`label-color-${label.id}`} className="visually-hidden">
          {t('labels.colorOf', { name: label.name })}
        </label>
        <input
          id={`label-color-${label.id}`}
          type="color"
          className="label-color"
          value={color}
          onChange={(event) => setColor(event.target.value)}
        />
        <label htmlFor={`label-name-${label.id}`} className="visually-hidden">
          {t('labels.nameOf', { name: label.name })}
        </label>
        <input
          id={`label-name-${label.id}`}
          required
          maxLength={50}
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
        <button type="submit" className="button" disabled={busy || !changed || !name.trim()}>
          {t('labels.save')}
        </button>
      </form>
      <div className="label-actions">
        {others.length > 0 && (
          <>
            <label htmlFor={`label-into-${label.id}`} className="visually-hidden">
              {t('labels.mergeInto', { name: label.name })}
            </label>
            <Select
              id={`label-into-${label.id}`}
              value={into}
              onChange={(event) => setInto(event.target.value)}
              empty={t('labels.mergePick')}
              options={others.map((l) => ({ value: l.id, label: l.name }))}
            />
            <button
              type="button"
              className="button"
              disabled={!target}
              aria-label={t('labels.mergeNamed', { name: label.name })}
              onClick={() => target && onMerge(target)}
            >
              {t('labels.merge')}
            </button>
          </>
        )}
        <button
          type="button"
          className="button button-danger-ghost"
          aria-label={t('labels.deleteNamed', { name: label.name })}
          onClick={onDelete}
        >
          {t('labels.delete')}
        </button>
      </div>
      <InlineError error={error} />
    </div>
  );
}
