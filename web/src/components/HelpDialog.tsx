import { useTranslation } from 'react-i18next';
import { commandKeyLabel } from '../lib/shortcuts';
import { Dialog } from './Dialog';

export function HelpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const rows: [string, string][] = [
    ['n', t('help.newTask')],
    ['/', t('help.search')],
    ['?', t('help.help')],
    [commandKeyLabel('k'), t('help.palette')],
    [t('help.spaceKey'), t('help.dragStart')],
    [t('help.arrowKeys'), t('help.dragMove')],
    ['Esc', t('help.dragCancel')],
  ];
  return (
    <Dialog open={open} title={t('help.title')} onClose={onClose} size="sm">
      <table className="shortcuts">
        <caption className="visually-hidden">{t('help.title')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('help.key')}</th>
            <th scope="col">{t('help.action')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([key, action]) => (
            <tr key={key}>
              <td>
                <kbd>{key}</kbd>
              </td>
              <td>{action}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
