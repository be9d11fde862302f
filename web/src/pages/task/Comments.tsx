// The task's comments: the list, deleting one's own (owners any), and adding one.
import { useState } from 'react';
import type { FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { comments as commentsApi } from '../../api/endpoints';
import type { Comment } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { Avatar } from '../../components/Avatar';
import { MarkdownText } from '../../components/MarkdownText';
import { ErrorState, InlineError, Loading } from '../../components/States';
import { useAuth } from '../../lib/auth';
import { describeError } from '../../lib/errors';
import { formatDateTime, relativeTime } from '../../lib/format';
import { useProject } from '../../lib/project';
import { useToast } from '../../lib/toast';
import { useLiveEvents } from '../../lib/live';
import { useAsync } from '../../lib/useAsync';
import { MentionTextarea } from './MentionTextarea';

/** `onChange`: a comment was added or deleted here (the activity feed reloads). */
export function Comments({ taskId, onChange }: { taskId: string; onChange?: () => void }) {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const { user } = useAuth();
  const { canEdit, isOwner } = useProject();
  const list = useAsync(() => commentsApi.list(taskId), [taskId]);
  // Comments by others appear live (lib/live.tsx); a comment being written is left alone.
  useLiveEvents((event) => {
    const ofThis = event.type === 'reset' || ('taskId' in event && event.taskId === taskId);
    if (ofThis && /^(comment\.|reset)/.test(event.type)) list.reload();
  });
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const text = body.trim();
    if (!text) return;
    setBusy(true);
    setError(undefined);
    try {
      const comment = await commentsApi.create(taskId, text);
      list.setData((page) => ({
        items: [...(page?.items ?? []), comment],
        nextCursor: page?.nextCursor ?? null,
      }));
      setBody('');
      onChange?.();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (comment: Comment) => {
    try {
      await commentsApi.remove(comment.id);
      list.setData((page) => ({
        items: (page?.items ?? []).filter((c) => c.id !== comment.id),
        nextCursor: page?.nextCursor ?? null,
      }));
      toast.success(t('comments.deleted'));
      onChange?.();
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  return (
    <CardSection
      name="comments"
      title={t('comments.title')}
      icon="chat"
      count={list.data?.items.length}
      className="comments"
    >
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <p className="muted">{t('comments.empty')}</p>}
      {list.data && list.data.items.length > 0 && (
        <ol className="comment-list">
          {list.data.items.map((comment) => {
            const name = comment.author.name;
            return (
              <li key={comment.id} className="comment">
                <Avatar id={comment.author.id} name={name} />
                <div className="comment-content">
                  <div className="comment-meta">
                    <strong>{name}</strong>
                    <time
                      dateTime={comment.createdAt}
                      title={formatDateTime(comment.createdAt, i18n.language)}
                    >
                      {relativeTime(comment.createdAt, i18n.language)}
                    </time>
                    {(comment.author.id === user?.id || isOwner) && canEdit && (
                      <button
                        type="button"
                        className="link-button"
                        onClick={() => void remove(comment)}
                        aria-label={t('comments.deleteBy', { name })}
                      >
                        {t('comments.delete')}
                      </button>
                    )}
                  </div>
                  <MarkdownText className="comment-body" text={comment.body} />
                </div>
              </li>
            );
          })}
        </ol>
      )}
      {canEdit && (
        <form className="comment-form" onSubmit={(event) => void submit(event)}>
          <label htmlFor="comment-body" className="visually-hidden">
            {t('comments.add')}
          </label>
          <MentionTextarea
            id="comment-body"
            rows={3}
            maxLength={20000}
            placeholder={t('comments.placeholder')}
            value={body}
            onValueChange={setBody}
          />
          <InlineError error={error} />
          <button type="submit" className="button button-primary" disabled={busy || !body.trim()}>
            {t('comments.submit')}
          </button>
        </form>
      )}
    </CardSection>
  );
}
