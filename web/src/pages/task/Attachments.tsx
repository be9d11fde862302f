// The task's files (issue 14): drop files on the zone or pick them with "Add files" (a button, so
// the keyboard reaches it), each upload with its progress; the list links every file for download
// and, for editors, deletes it (after asking) or makes an image the card's cover. Viewers see the
// list only. A refused upload (too large: the limit is said) stays as an inline message.
import { useRef, useState } from 'react';
import type { DragEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { attachments as attachmentsApi, uploadAttachment } from '../../api/attachments';
import type { Attachment } from '../../api/attachments';
import { ApiError } from '../../api/http';
import { CardSection } from '../../components/CardSection';
import { ConfirmDialog } from '../../components/Dialog';
import { Icon } from '../../components/Icon';
import { ErrorState, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { useProject } from '../../lib/project';
import { useRemoval } from '../../lib/useRemoval';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';

interface Upload {
  key: number;
  name: string;
  /** 0–1 while sending. */
  progress: number;
  state: 'sending' | 'done' | 'failed';
  error?: string;
}

/** 512 B, 4.2 kB, 3.1 MB: in the user's language. */
export function formatSize(bytes: number, lang: string): string {
  const [value, unit] =
    bytes < 1000
      ? [bytes, 'byte']
      : bytes < 1_000_000
        ? [bytes / 1000, 'kilobyte']
        : [bytes / 1_000_000, 'megabyte'];
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit,
    unitDisplay: 'short',
    maximumFractionDigits: 1,
  }).format(value);
}

let nextKey = 0;

export function Attachments({ taskId, onChange }: { taskId: string; onChange: () => void }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { canEdit } = useProject();
  const list = useAsync(() => attachmentsApi.list(taskId), [taskId]);
  const [uploads, setUploads] = useState<Upload[]>([]);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const removal = useRemoval<Attachment>(
    list,
    async (file) => {
      await attachmentsApi.remove(file.id);
      onChange();
    },
    (file) => t('attachments.deleted', { name: file.name }),
  );
  const lang = i18n.language;
  const files = list.data ?? [];

  const patch = (key: number, change: Partial<Upload>) =>
    setUploads((previous) => previous.map((u) => (u.key === key ? { ...u, ...change } : u)));

  const explain = (err: unknown) =>
    err instanceof ApiError && err.code === 'PAYLOAD_TOO_LARGE'
      ? t('attachments.tooLarge', {
          limit: formatSize(Number((err.details as { maxBytes?: number })?.maxBytes ?? 0), lang),
        })
      : describeError(err, t);

  const upload = async (chosen: File[]) => {
    if (chosen.length === 0) return;
    const batch = chosen.map((file) => ({
      file,
      entry: { key: ++nextKey, name: file.name, progress: 0, state: 'sending' } satisfies Upload,
    }));
    // Finished uploads of an earlier batch make room; failures stay until the next one.
    setUploads(batch.map((b) => b.entry));
    for (const { file, entry } of batch) {
      try {
        const added = await uploadAttachment(taskId, file, (progress) =>
          patch(entry.key, { progress }),
        );
        patch(entry.key, { progress: 1, state: 'done' });
        list.setData((previous) => [added, ...(previous ?? [])]);
        onChange();
      } catch (err) {
        patch(entry.key, { state: 'failed', error: explain(err) });
      }
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    if (canEdit) void upload([...event.dataTransfer.files]);
  };

  const setCover = async (file: Attachment, cover: boolean) => {
    try {
      await attachmentsApi.setCover(taskId, cover ? file.id : null);
      list.setData((previous) =>
        (previous ?? []).map((f) => ({ ...f, cover: cover && f.id === file.id })),
      );
      toast.success(
        t(cover ? 'attachments.coverSet' : 'attachments.coverRemoved', { name: file.name }),
      );
      onChange();
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  return (
    <CardSection
      name="attachments"
      title={t('attachments.title')}
      icon="paperclip"
      count={files.length > 0 ? files.length : undefined}
      className="attachments"
    >
      {canEdit && (
        <div
          className={dragging ? 'attachments-drop is-dragging' : 'attachments-drop'}
          onDragOver={(event) => {
            event.preventDefault();
            setDragging(true);
          }}
          onDragLeave={() => setDragging(false)}
          onDrop={onDrop}
        >
          <Icon name="paperclip" />
          <span>{t('attachments.dropHint')}</span>
          <button type="button" className="button" onClick={() => picker.current?.click()}>
            <Icon name="plus" size={16} />
            {t('attachments.add')}
          </button>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            aria-label={t('attachments.add')}
            onChange={(event) => {
              const chosen = [...(event.target.files ?? [])];
              event.target.value = '';
              void upload(chosen);
            }}
          />
        </div>
      )}
      {uploads.length > 0 && (
        <ul className="attachments-uploads" aria-label={t('attachments.uploads')}>
          {uploads.map((u) => {
            const percent = Math.round(u.progress * 100);
            return (
              <li key={u.key} className={`attachments-upload is-${u.state}`}>
                <span className="attachments-name">{u.name}</span>
                {u.state === 'failed' ? (
                  <span className="inline-error" role="alert">
                    {u.error}
                  </span>
                ) : (
                  <>
                    <progress
                      max={100}
                      value={percent}
                      aria-label={t('attachments.progressLabel', { name: u.name })}
                    />
                    <span role="status">
                      {u.state === 'done'
                        ? t('attachments.uploaded')
                        : t('attachments.percent', { percent })}
                    </span>
                  </>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && files.length === 0 && <p className="muted">{t('attachments.empty')}</p>}
      {files.length > 0 && (
        <ul className="attachments-list">
          {files.map((file) => (
            <li key={file.id} className="attachments-item">
              {file.image ? (
                <img
                  className="attachments-thumb"
                  src={`${file.url}?inline=1`}
                  alt=""
                  width={40}
                  height={40}
                  loading="lazy"
                />
              ) : (
                <span className="attachments-thumb attachments-icon" aria-hidden="true">
                  <Icon name="paperclip" size={16} />
                </span>
              )}
              <span className="attachments-main">
                <a
                  className="attachments-name"
                  href={file.url}
                  download={file.name}
                  aria-label={t('attachments.download', { name: file.name })}
                >
                  {file.name}
                </a>
                <span className="attachments-meta">
                  {formatSize(file.size, lang)} · {file.uploadedBy.name} ·{' '}
                  {formatDateTime(file.createdAt, lang)}
                  {file.cover && <> · {t('attachments.isCover')}</>}
                </span>
              </span>
              {canEdit && (
                <span className="attachments-actions">
                  {file.image && (
                    <button
                      type="button"
                      className="button button-ghost"
                      aria-label={t(
                        file.cover ? 'attachments.removeCoverOf' : 'attachments.setCoverOf',
                        {
                          name: file.name,
                        },
                      )}
                      onClick={() => void setCover(file, !file.cover)}
                    >
                      {t(file.cover ? 'attachments.removeCover' : 'attachments.setCover')}
                    </button>
                  )}
                  <button
                    type="button"
                    className="icon-button"
                    aria-label={t('attachments.delete', { name: file.name })}
                    title={t('attachments.delete', { name: file.name })}
                    onClick={() => removal.ask(file)}
                  >
                    <Icon name="trash" size={16} />
                  </button>
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      <ConfirmDialog
        open={removal.pending !== undefined}
        title={t('attachments.deleteTitle')}
        message={t('attachments.deleteConfirm', { name: removal.pending?.name ?? '' })}
        confirmLabel={t('attachments.deleteConfirmButton')}
        onClose={removal.cancel}
        onConfirm={() => void removal.confirm()}
      />
    </CardSection>
  );
}
