// Which kinds of notification reach the inbox and which are emailed, and the emails' language
// (saved as soon as something is changed).
import { useTranslation } from 'react-i18next';
import { notifications } from '../../api/endpoints';
import type { NotificationSettings as Settings } from '../../api/types';
import { CardSection } from '../../components/CardSection';
import { SelectField } from '../../components/form/Field';
import { ErrorState, Loading } from '../../components/States';
import { describeError } from '../../lib/errors';
import { useToast } from '../../lib/toast';
import { useAsync } from '../../lib/useAsync';

const KINDS = ['assigned', 'mentioned', 'taskChanged', 'commented', 'dueSoon', 'overdue'] as const;

export function NotificationSettings() {
  const { t } = useTranslation();
  const toast = useToast();
  const state = useAsync(() => notifications.settings(), []);

  const save = async (next: Settings) => {
    try {
      state.setData(await notifications.saveSettings(next));
      toast.success(t('inbox.settingsSaved'));
    } catch (error) {
      toast.error(describeError(error, t));
    }
  };

  const switches = (settings: Settings, channel: 'inApp' | 'email') => (
    <fieldset className="notification-kinds">
      <legend>{t(channel === 'inApp' ? 'inbox.settingsInApp' : 'inbox.settingsEmail')}</legend>
      {KINDS.map((kind) => (
        <label key={kind} className="checkbox">
          <input
            type="checkbox"
            checked={settings[channel][kind]}
            onChange={(event) =>
              void save({
                ...settings,
                [channel]: { ...settings[channel], [kind]: event.target.checked },
              })
            }
          />
          {t(`inbox.settingKind.${kind}`)}
        </label>
      ))}
    </fieldset>
  );

  return (
    <CardSection name="notifications" title={t('inbox.settings')}>
      <p className="muted hint">{t('inbox.settingsHint')}</p>
      {state.error !== undefined && <ErrorState error={state.error} onRetry={state.reload} />}
      {!state.data && state.error === undefined && <Loading />}
      {state.data && (
        <>
          {switches(state.data, 'inApp')}
          {switches(state.data, 'email')}
          <SelectField
            id="email-language"
            label={t('inbox.settingsLanguage')}
            value={state.data.language}
            onChange={(event) =>
              void save({ ...state.data!, language: event.target.value as Settings['language'] })
            }
            options={[
              { value: 'en', label: 'English' },
              { value: 'es', label: 'Español' },
            ]}
          />
        </>
      )}
    </CardSection>
  );
}
