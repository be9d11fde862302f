// "Import project": pick a file written by a project's Export (JSON) or a Trello board export,
// send it as it is with a progress bar (the server reads it as it arrives: a 50,000-card board
// takes a while), and say what came in and what could not be matched (people without an account
// here, assignees outside it, cards of archived Trello lists).
import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { projects as projectsApi } from '../../api/endpoints';
import type { ImportFileResult } from '../../api/endpoints';
import { Icon } from '../../components/Icon';
import { describeError } from '../../lib/errors';
import { Link } from '../../lib/router';
import { useToast } from '../../lib/toast';

/** Our export writes `"format": "taskmanager-project"` first; anything else is Trello's. */
const DOCUMENT_FORMAT = /"format"\s*:\s*"taskmanager-project"/;

/** What the file is, from its first bytes (the file itself may be far too large to parse here). */
async function kindOf(file: File): Promise<'document' | 'trello' | undefined> {
  const head = await file.slice(0, 64 * 1024).text();
  if (!head.trimStart().startsWith('{')) return undefined;
  return DOCUMENT_FORMAT.test(head) ? 'document' : 'trello';
}

/**
 * The button: picks a file and imports it; `onProgress` follows the share sent (undefined when
 * idle), `onImported` gets the answer.
 */
export function ImportProject({
  onImported,
  onProgress,
}: {
  onImported: (result: ImportFileResult) => void;
  onProgress: (progress: number | undefined) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const input = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);

  const pick = async (file: File | undefined) => {
    if (!file) return;
    setBusy(true);
    onProgress(0);
    try {
      const kind = await kindOf(file);
      if (!kind) {
        toast.error(t('projects.importNotJson'));
        return;
      }
      onImported(await projectsApi.importFile(file, kind, onProgress));
    } catch (error) {
      toast.error(describeError(error, t));
    } finally {
      setBusy(false);
      onProgress(undefined);
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

/** How far an import is: the share of the file read, then the saving. */
export function ImportProgress({ progress }: { progress: number }) {
  const { t } = useTranslation();
  const percent = Math.floor(progress * 100);
  return (
    <div className="card import-progress" role="status">
      <progress max={100} value={percent} aria-label={t('projects.importProgressLabel')} />
      <span>
        {percent < 100 ? t('projects.importReading', { percent }) : t('projects.importSaving')}
      </span>
    </div>
  );
}

/** What came in, and what could not be matched. */
export function ImportSummary({
  result,
  onDismiss,
}: {
  result: ImportFileResult;
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
