// Administration of the instance (admins only): the accounts and the invites. The service checks
// the role on every call; for others this page shows what a missing page shows.
import { useTranslation } from 'react-i18next';
import { useAuth } from '../../lib/auth';
import { NotFoundPage } from '../NotFoundPage';
import { Invites } from './Invites';
import { Users } from './Users';

export default function AdminPage() {
  const { t } = useTranslation();
  const { user } = useAuth();
  if (user?.role !== 'admin') return <NotFoundPage />;
  return (
    <div className="page admin-page">
      <div className="page-header">
        <div>
          <h1>{t('admin.title')}</h1>
          <p className="page-subtitle">{t('admin.subtitle')}</p>
        </div>
      </div>
      <div className="admin-grid">
        <Users />
        <Invites />
      </div>
    </div>
  );
}
