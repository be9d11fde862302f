// The description of an editable task: Markdown written in a text area, with a Write / Preview
// switch showing it as it will be read.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MarkdownText } from '../../components/MarkdownText';

export function DescriptionField({
  value,
  onChange,
}: {
  value: string;
  onChange: (value: string) => void;
}) {
  const { t } = useTranslation();
  const [preview, setPreview] = useState(false);
  return (
    <div className="field description-field">
      <div className="description-bar">
        <label htmlFor="task-description" id="task-description-label">
          {t('task.description')}
        </label>
        <div className="segmented" role="group" aria-label={t('markdown.mode')}>
          <button
            type="button"
            className="segmented-button"
            aria-pressed={!preview}
            onClick={() => setPreview(false)}
          >
            {t('markdown.write')}
          </button>
          <button
            type="button"
            className="segmented-button"
            aria-pressed={preview}
            onClick={() => setPreview(true)}
          >
            {t('markdown.preview')}
          </button>
        </div>
      </div>
      {preview ? (
        <div className="description-preview" aria-labelledby="task-description-label">
          {value.trim() ? (
            <MarkdownText text={value} />
          ) : (
            <p className="muted">{t('markdown.nothing')}</p>
          )}
        </div>
      ) : (
        <>
          <textarea
            id="task-description"
            rows={8}
            maxLength={20000}
            placeholder={t('task.descriptionPlaceholder')}
            aria-describedby="task-description-help"
            value={value}
            onChange={(event) => onChange(event.target.value)}
          />
          <p id="task-description-help" className="hint">
            {t('markdown.help')}
          </p>
        </>
      )}
    </div>
  );
}
