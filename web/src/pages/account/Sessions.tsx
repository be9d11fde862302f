// The signed-in sessions of the account; any but the current one can be ended.
import { useTranslation } from 'react-i18next';
import { auth } from '../../api/endpoints';
import { CardSection } from '../../components/CardSection';
import { ErrorState, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { formatDateTime } from '../../lib/format';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';

export function Sessions() {
  const { t, i18n } = useTranslation();
  const toast = useToast();
  const list = useAsync(() => auth.sessions(), []);

  const end = async (id: string) => {
    try {
      await auth.endSession(id);
      list.setData((items) => (items ?? []).filter((s) => s.id !== id));
      toast.success(t('sessions.ended'));
    } catch (err) {
      toast.error(describeError(err, t));
    }
  };

  return (
    <CardSection name="sessions" title={t('sessions.title')}>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <ul className="token-list">
          {list.data.map((session) => (
            <li key={session.id}>
              <div>
                <strong>{describeAgent(session.userAgent) ?? t('sessions.unknownDevice')}</strong>
                <p className="muted">
                  {t('sessions.lastSeen', {
                    date: formatDateTime(session.lastSeenAt, i18n.language),
                  })}
                  {session.ip && ` · ${session.ip}`}
                  {session.current && ` · ${t('sessions.current')}`}
                </p>
              </div>
              {!session.current && (
                <button
                  type="button"
                  className="button button-danger-ghost"
                  onClick={() => void end(session.id)}
                >
                  {t('sessions.end')}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </CardSection>
  );
}

/** "Chrome on Linux" from a user-agent string; enough to tell one's devices apart. */
function describeAgent(agent: string | null): string | undefined {
  if (!agent) return undefined;
  const browser = /Edg\//.test(agent)
    ? 'Edge'
    : /Firefox\//.test(agent)
      ? 'Firefox'
      : /Chrom(e|ium)\//.test(agent)
        ? 'Chrome'
        : /Safari\//.test(agent)
          ? 'Safari'
          : undefined;
  const os = /Android/.test(agent)
    ? 'Android'
    : /iPhone|iPad/.test(agent)
      ? 'iOS'
      : /Windows/.test(agent)
        ? 'Windows'
        : /Mac OS X/.test(agent)
          ? 'macOS'
          : /Linux/.test(agent)
            ? 'Linux'
            : undefined;
  if (browser && os) return `${browser} · ${os}`;
  return browser ?? os ?? agent.slice(0, 60);
}
