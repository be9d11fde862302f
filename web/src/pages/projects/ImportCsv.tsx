// "Import CSV" into the open project (editors): pick a file, see which column feeds each field
// (suggested from the headers, changeable), the problems row by row and the first rows as they
// would be imported; then import all (only when every row is valid) or the valid rows only.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { projects as projectsApi } from '../../api/endpoints';
import type { CsvImportBody } from '../../api/endpoints';
import { Dialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { InlineError } from '../../components/States';
import { columnName } from '../../lib/board';
import { formatDate } from '../../lib/format';
import { useToast } from '../../lib/toast';

type Preview = Awaited<ReturnType<typeof projectsApi.previewCsv>>;
type Mapping = Preview['mapping'];
export function ImportCsv({
  projectId,
  onImported,
}: {
  projectId: string;
  onImported: () => void;
}) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const [csv, setCsv] = useState<string | undefined>(undefined);
  const [fileName, setFileName] = useState('');
  const [preview, setPreview] = useState<Preview | undefined>(undefined);
  const [skipInvalid, setSkipInvalid] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const check = async (text: string, mapping?: Mapping) => {
    setBusy(true);
    setError(undefined);
    try {
      const body: CsvImportBody = { csv: text, ...(mapping ? { mapping } : {}) };
      setPreview(await projectsApi.previewCsv(projectId, body));
    } catch (err) {
      setPreview(undefined);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const pick = async (file: File | undefined) => {
    if (!file) return;
    const text = await file.text();
    setFileName(file.name);
    setCsv(text);
    setSkipInvalid(false);
    await check(text);
  };

  const close = () => {
    setCsv(undefined);
    setPreview(undefined);
    setError(undefined);
  };

  const run = async () => {
    if (!csv || !preview) return;
    setBusy(true);
    setError(undefined);
    try {
      const done = await projectsApi.importCsv(projectId, {
        csv,
        mapping: preview.mapping,
        skipInvalid,
      });
      toast.success(t('csvImport.done', { count: done.created, skipped: done.skipped }));
      close();
      onImported();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const invalidRows = preview ? preview.rows - preview.validRows : 0;
  const canImport =
    preview !== undefined && preview.validRows > 0 && (invalidRows === 0 || skipInvalid);

  return (
    <>
      <label className="button">
        <Icon name="plus" />
        {t('csvImport.button')}
        <input
          type="file"
          accept="text/csv,.csv"
          className="visually-hidden"
          onChange={(event) => {
            void pick(event.target.files?.[0]);
            event.target.value = '';
          }}
        />
      </label>
      <Dialog
        open={csv !== undefined}
        title={t('csvImport.title', { name: fileName })}
        onClose={close}
      >
        <div className="csv-import">
          {preview && (
            <>
              <fieldset className="csv-mapping">
                <legend>{t('csvImport.mapping')}</legend>
                {/* The fields in the service's order (its mapping names each one). */}
                {(Object.keys(preview.mapping) as (keyof Mapping)[]).map((field) => (
                  <label key={field}>
                    <span>{t(`csvImport.fields.${field}`)}</span>
                    <select
                      value={preview.mapping[field] ?? ''}
                      disabled={busy}
                      onChange={(event) =>
                        void check(csv!, {
                          ...preview.mapping,
                          [field]: event.target.value === '' ? null : event.target.value,
                        })
                      }
                    >
                      <option value="">{t('csvImport.notImported')}</option>
                      {preview.headers.map((header) => (
                        <option key={header} value={header}>
                          {header}
                        </option>
                      ))}
                    </select>
                  </label>
                ))}
              </fieldset>
              <p role="status">
                {t('csvImport.summary', { count: preview.rows, valid: preview.validRows })}
              </p>
              {preview.issues.length > 0 && (
                <section aria-label={t('csvImport.problems')}>
                  <h3>{t('csvImport.problems')}</h3>
                  <ul className="csv-issues">
                    {preview.issues.map((issue) => (
                      <li key={`${issue.row}-${issue.field}`}>
                        {t('csvImport.issue', {
                          row: issue.row,
                          field: t(`csvImport.fields.${issue.field}`),
                          message: issue.message,
                        })}
                      </li>
                    ))}
                  </ul>
                </section>
              )}
              {preview.sample.length > 0 && (
                <div className="csv-sample">
                  <table>
                    <caption>{t('csvImport.sample')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('csvImport.row')}</th>
                        <th scope="col">{t('csvImport.fields.title')}</th>
                        <th scope="col">{t('csvImport.fields.status')}</th>
                        <th scope="col">{t('csvImport.fields.priority')}</th>
                        <th scope="col">{t('csvImport.fields.dueAt')}</th>
                        <th scope="col">{t('csvImport.fields.labels')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {preview.sample.map((row) => (
                        <tr key={row.row}>
                          <td>{row.row}</td>
                          <td>{row.title}</td>
                          <td>
                            {row.column === null
                              ? t(`status.${row.status}`)
                              : columnName({ name: row.column, category: row.status }, (s) =>
                                  t(`status.${s}`),
                                )}
                          </td>
                          <td>{t(`priority.${row.priority}`)}</td>
                          <td>{row.dueAt ? formatDate(row.dueAt, i18n.language) : '—'}</td>
                          <td>{row.labels.join(', ')}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {invalidRows > 0 && preview.validRows > 0 && (
                <label className="checkbox">
                  <input
                    type="checkbox"
                    checked={skipInvalid}
                    onChange={(event) => setSkipInvalid(event.target.checked)}
                  />
                  {t('csvImport.skip', { count: invalidRows })}
                </label>
              )}
            </>
          )}
          {error !== undefined && <InlineError error={error} />}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={close}>
              {t('common.cancel')}
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={busy || !canImport}
              onClick={() => void run()}
            >
              {t('csvImport.import', {
                count: skipInvalid ? (preview?.validRows ?? 0) : (preview?.rows ?? 0),
              })}
            </button>
          </div>
        </div>
      </Dialog>
    </>
  );
}
