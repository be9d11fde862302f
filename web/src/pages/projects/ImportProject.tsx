// "Import project": pick a file written by a project's Export (JSON) or a Trello board export,
// send it, and say what came in and what could not be matched (people without an account here,
// assignees outside it, archived Trello cards).
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { projects as projectsApi } from '../../api/endpoints';
import { Icon } from '../../components/Icon';
import { describeError } from '../../lib/errors';
import { Link } from '../../lib/router';
import { useToast } from '../../lib/toast';

export type ImportResult =
  | Awaited<ReturnType<typeof projectsApi.importDocument>>
  | Awaited<ReturnType<typeof projectsApi.importTrello>>;

/** A Trello board export has lists and cards; a project document has a format name. */
const isTrello = (value: unknown): value is Parameters<typeof projectsApi.importTrello>[0] =>
  typeof value === 'object' &&
  value !== null &&
  !('format' in value) &&
  Array.isArray((value as { cards?: unknown }).cards) &&
  Array.isArray((value as { lists?: unknown }).lists);

/** The button: picks a file and imports it; `onImported` gets the answer. */
export function ImportProject({ onImported }: { onImported: (result: ImportResult) => void }) {
  const { t } = useTranslation();
  const toast = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    try {
      let document: unknown;
      try {
        document = JSON.parse(await file.text());
      } catch {
        toast.error(t('projects.importNotJson'));
        return;
      }
      onImported(
        isTrello(document)
          ? await projectsApi.importTrello(document)
          : await projectsApi.importDocument(
              document as Parameters<typeof projectsApi.importDocument>[0],
            ),
      );
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setBusy(false);
      if (input.current) input.current.value = '';
    }
  };

  return (
    <label className="button">
      <Icon name="plus" />
      {busy ? t('projects.importing') : t('projects.import')}
      <input
        ref={input}
        type="file"
        accept="application/json,.json"
        className="visually-hidden"
        disabled={busy}
        onChange={(event) => void pick(event.target.files?.[0])}
      />
    </label>
  );
}

/** What came in, and what could not be matched. */
export function ImportSummary({
  result,
  onDismiss,
}: {
  result: ImportResult;
  onDismiss: () => void;
}) {
  const { t } = useTranslation();
  return (
    <section role="status" className="card import-result" aria-label={t('projects.import')}>
      <h2>{t('projects.importDone', { name: result.project.name })}</h2>
      <p>{t('projects.importCounts', result.imported)}</p>
      {result.droppedMembers.length > 0 && (
        <p>{t('projects.importDropped', { emails: result.droppedMembers.join(', ') })}</p>
      )}
      {result.unassignedTasks.length > 0 && (
        <p>{t('projects.importUnassigned', { count: result.unassignedTasks.length })}</p>
      )}
      {'skipped' in result && (
        <p>
          {t('projects.importSkipped', {
            count:
              result.skipped.archivedCards +
              result.skipped.cardsOfArchivedLists +
              result.skipped.cardsWithoutList,
          })}
        </p>
      )}
      {result.reattributed > 0 && (
        <p>{t('projects.importReattributed', { count: result.reattributed })}</p>
      )}
      <div className="import-result-actions">
        <Link
          className="button button-primary"
          to={`/projects/${encodeURIComponent(result.project.id)}`}
        >
          {t('projects.importOpen')}
        </Link>
        <button type="button" className="button" onClick={onDismiss}>
          {t('projects.importDismiss')}
        </button>
      </div>
    </section>
  );
}
