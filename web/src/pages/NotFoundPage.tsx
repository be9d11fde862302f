import { useTranslation } from 'react-i18next';
import { EmptyState } from '../components/States';
import { Link } from '../lib/router';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <div className="page">
      <h1 className="visually-hidden">{t('notFound.title')}</h1>
      <EmptyState
        title={t('notFound.title')}
        action={
          <Link className="button button-primary" to="/">
            {t('notFound.back')}
          </Link>
        }
      >
        {t('notFound.text')}
      </EmptyState>
    </div>
  );
}
