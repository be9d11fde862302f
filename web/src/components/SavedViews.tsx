// Saved views beside the filters of the board and the list: open one of mine, save the filters
// on screen under a name, delete the one on screen. A view is opened by its URL, so the back
// button and a shared link work as with filters set by hand.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { savedViews as viewsApi } from '../api/endpoints';
import type { SavedView } from '../api/types';
import { describeError } from '../lib/errors';
import { useProject } from '../lib/project';
import { navigate, useSearch } from '../lib/router';
import { viewQuery } from '../lib/taskFilter';
import { useToast } from '../lib/toast';
import { useAsync } from '../lib/useAsync';
import { ConfirmDialog, Dialog } from './Dialog';
import { SelectField, TextField } from './form/Field';
import { Icon } from './Icon';
import { InlineError } from './States';

export function SavedViews({ screen }: { screen: SavedView['view'] }) {
  const { t } = useTranslation();
  const toast = useToast();
  const { project } = useProject();
  const search = useSearch();
  const views = useAsync(() => viewsApi.list(project.id), [project.id]);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>(undefined);
  const [busy, setBusy] = useState(false);
  const [deleting, setDeleting] = useState(false);

  const query = viewQuery(search);
  const items = views.data ?? [];
  const current = items.find((view) => view.view === screen && view.query === query);
  const base = `/projects/${encodeURIComponent(project.id)}`;
  const open = (view: SavedView) =>
    navigate(`${base}${view.view === 'list' ? '/list' : ''}${view.query ? `?${view.query}` : ''}`);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const view = await viewsApi.create(project.id, { name: name.trim(), view: screen, query });
      views.reload();
      setNaming(false);
      toast.success(t('views.saved', { name: view.name }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async () => {
    if (!current) return;
    try {
      await viewsApi.remove(current.id);
      views.reload();
      toast.success(t('views.deleted', { name: current.name }));
    } catch (err) {
      toast.error(describeError(err, t));
    } finally {
      setDeleting(false);
    }
  };

  return (
    <div className="saved-views">
      {items.length > 0 && (
        <SelectField
          id={`${screen}-saved-view`}
          label={t('views.label')}
          fieldClass="field-inline"
          value={current?.id ?? ''}
          empty={t('views.pick')}
          options={items.map((view) => ({
            value: view.id,
            label: view.view === screen ? view.name : `${view.name} (${t(`views.${view.view}`)})`,
          }))}
          onChange={(event) => {
            const view = items.find((v) => v.id === event.target.value);
            if (view) open(view);
          }}
        />
      )}
      {current ? (
        <button
          type="button"
          className="icon-button"
          aria-label={t('views.deleteNamed', { name: current.name })}
          title={t('views.deleteNamed', { name: current.name })}
          onClick={() => setDeleting(true)}
        >
          <Icon name="trash" />
        </button>
      ) : (
        query && (
          <button
            type="button"
            className="button button-ghost"
            onClick={() => {
              setName('');
              setError(undefined);
              setNaming(true);
            }}
          >
            {t('views.save')}
          </button>
        )
      )}
      <Dialog open={naming} title={t('views.saveTitle')} onClose={() => setNaming(false)} size="sm">
        <form onSubmit={(event) => void save(event)}>
          <TextField
            id={`${screen}-view-name`}
            label={t('views.name')}
            required
            maxLength={60}
            value={name}
            onChange={(event) => setName(event.target.value)}
          />
          <p className="muted">{t('views.saveHint')}</p>
          <InlineError error={error} />
          <div className="dialog-actions">
            <button type="button" className="button" onClick={() => setNaming(false)}>
              {t('common.cancel')}
            </button>
            <button type="submit" className="button button-primary" disabled={busy || !name.trim()}>
              {t('views.save')}
            </button>
          </div>
        </form>
      </Dialog>
      <ConfirmDialog
        open={deleting}
        title={t('views.deleteTitle')}
        message={t('views.deleteConfirm', { name: current?.name ?? '' })}
        confirmLabel={t('views.delete')}
        onClose={() => setDeleting(false)}
        onConfirm={() => void remove()}
      />
    </div>
  );
}
