// The task's labels as checkboxes (part of #task-form), and a field that creates a new project
// label and ticks it.
import { HiddenLabelInput } from '../../components/form/Field';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { labels as labelsApi } from '../../api/endpoints';
import { LabelChip } from '../../components/Badges';
import { describeError } from '../../lib/errors';
import { useProject } from '../../lib/project';
import { useToast } from '../../lib/toast';

export function LabelPicker({
  selected,
  onChange,
}: {
  selected: string[];
  onChange: (labelIds: string[]) => void;
}) {
  const { t } = useTranslation();
  const toast = useToast();
  const { project, labels, setLabels } = useProject();
  const [newLabel, setNewLabel] = useState('');

  const addLabel = async () => {
    const name = newLabel.trim();
    if (!name) return;
    try {
      const label = await labelsApi.create(project.id, name);
      setLabels([...labels, label]);
      onChange([...selected, label.id]);
      setNewLabel('');
    } catch (error) {
      toast.error(describeError(error, t));
    }
  };

  return (
    <fieldset className="field label-picker">
      <legend>{t('task.labels')}</legend>
      {labels.length === 0 && <p className="muted">{t('task.noLabels')}</p>}
      <div className="label-options">
        {labels.map((label) => {
          const checked = selected.includes(label.id);
          return (
            <label key={label.id} className={`label-option${checked ? ' checked' : ''}`}>
              <input
                type="checkbox"
                form="task-form"
                checked={checked}
                onChange={() =>
                  onChange(
                    checked ? selected.filter((id) => id !== label.id) : [...selected, label.id],
                  )
                }
              />
              <LabelChip label={label} />
            </label>
          );
        })}
      </div>
      <div className="inline-add">
        <HiddenLabelInput
          id="new-label"
          label={t('task.newLabel')}
          placeholder={t('task.newLabel')}
          maxLength={50}
          value={newLabel}
          onChange={(event) => setNewLabel(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') {
              event.preventDefault();
              void addLabel();
            }
          }}
        />
        <button
          type="button"
          className="button"
          onClick={() => void addLabel()}
          disabled={!newLabel.trim()}
        >
          {t('task.addLabel')}
        </button>
      </div>
    </fieldset>
  );
}
