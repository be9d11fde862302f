// Search: the tasks of all my projects that match the words in the URL (?q=, typed in the
// header's box), best first; each links to its task, with its project, status, priority and the
// words found highlighted in the title and the excerpt. "Load more" follows the service's cursor.
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { search as searchApi } from '../../api/endpoints';
import { PriorityBadge, StatusBadge } from '../../components/Badges';
import { Highlight } from '../../components/Highlight';
import { MoreButton } from '../../components/MoreButton';
import { EmptyState, ErrorState, Loading } from '../../components/States';
import { useMorePages } from '../../lib/morePages';
import { Link, useSearchParams } from '../../lib/router';
import { queryWords } from '../../lib/searchText';
import { useAsync } from '../../lib/useAsync';

export default function SearchPage() {
  const { t, i18n } = useTranslation();
  const [params] = useSearchParams();
  const q = (params.get('q') ?? '').trim();

  useEffect(() => {
    const before = document.title;
    document.title = q ? t('search.documentTitle', { q }) : t('search.documentTitleEmpty');
    return () => {
      document.title = before;
    };
  }, [q, t, i18n.language]);

  return (
    <div className="page search-page">
      <div className="page-header">
        <div>
          <h1>{t('search.title')}</h1>
          <p className="page-subtitle">
            {q ? t('search.resultsFor', { q }) : t('search.subtitle')}
          </p>
        </div>
      </div>
      {q ? (
        <SearchResults key={q} q={q} />
      ) : (
        <EmptyState title={t('search.noQueryTitle')}>{t('search.noQueryText')}</EmptyState>
      )}
    </div>
  );
}

function SearchResults({ q }: { q: string }) {
  const { t } = useTranslation();
  const list = useAsync(() => searchApi.tasks({ q }), [q]);
  const more = useMorePages(list, (cursor) => searchApi.tasks({ q, cursor }));
  const words = useMemo(() => queryWords(q), [q]);
  const items = list.data?.items;

  return (
    <>
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {items && items.length === 0 && (
        <EmptyState title={t('search.emptyTitle', { q })}>{t('search.emptyText')}</EmptyState>
      )}
      {items && items.length > 0 && (
        <ul className="search-list" aria-label={t('search.results')}>
          {items.map(({ task, project, match, excerpt }) => (
            <li key={task.id} className="search-item">
              <div className="search-content">
                <Link
                  className="search-title"
                  to={`/projects/${encodeURIComponent(project.id)}/tasks/${encodeURIComponent(task.id)}`}
                >
                  <Highlight text={task.title} words={words} />
                </Link>
                <p className="muted search-meta">
                  {project.name}
                  {match === 'comment' && ` · ${t('search.inComment')}`}
                </p>
                {excerpt && (
                  <p className="search-excerpt">
                    <Highlight text={excerpt} words={words} />
                  </p>
                )}
              </div>
              <div className="search-badges">
                <PriorityBadge priority={task.priority} />
                <StatusBadge status={task.status} />
                {task.archivedAt && <span className="badge">{t('archive.archivedAt')}</span>}
              </div>
            </li>
          ))}
        </ul>
      )}
      <MoreButton more={more} label={t('list.loadMore')} />
    </>
  );
}
