// A textarea that completes @mentions of the project's members: typing "@an" offers the members
// whose email handle or name starts so (docs/notifications.md has the rule the service applies);
// arrows choose, Enter or Tab inserts "@handle ", Escape closes.
import { useId, useRef, useState } from 'react';
import type { KeyboardEvent, TextareaHTMLAttributes } from 'react';
import { useTranslation } from 'react-i18next';
import { Avatar } from '../../components/Avatar';
import { useProject } from '../../lib/project';

const OPEN_MENTION = /(?:^|[^\p{L}\p{N}_.+-])@([\p{L}\p{N}_.+-]*)$/u;

const handleOf = (email: string) => email.slice(0, email.lastIndexOf('@'));

type Props = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'value' | 'onChange'> & {
  value: string;
  onValueChange: (value: string) => void;
};

export function MentionTextarea({ value, onValueChange, ...textarea }: Props) {
  const { t } = useTranslation();
  const { members } = useProject();
  const listId = useId();
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [active, setActive] = useState(0);
  const [closed, setClosed] = useState(false);

  const query = OPEN_MENTION.exec(value.slice(0, caret))?.[1]?.toLowerCase();
  const suggestions =
    query === undefined || closed
      ? []
      : members
          .filter(
            (m) =>
              handleOf(m.email).toLowerCase().startsWith(query) ||
              m.name.replace(/\s+/g, '').toLowerCase().startsWith(query),
          )
          .slice(0, 6);
  const open = suggestions.length > 0;
  const chosen = Math.min(active, suggestions.length - 1);

  const insert = (email: string) => {
    const start = caret - (query?.length ?? 0);
    const handle = `${handleOf(email)} `;
    onValueChange(value.slice(0, start) + handle + value.slice(caret));
    const at = start + handle.length;
    setCaret(at);
    setClosed(true);
    // After React has put the new text in: the caret goes after the inserted handle.
    requestAnimationFrame(() => ref.current?.setSelectionRange(at, at));
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((chosen + step + suggestions.length) % suggestions.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      insert(suggestions[chosen]!.email);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      setClosed(true);
    }
  };

  return (
    <div className="mention-box">
      <textarea
        {...textarea}
        ref={ref}
        value={value}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? `${listId}-${chosen}` : undefined}
        onChange={(event) => {
          onValueChange(event.target.value);
          setCaret(event.target.selectionStart);
          setClosed(false);
          setActive(0);
        }}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
      />
      <ul id={listId} role="listbox" aria-label={t('mention.suggestions')} hidden={!open}>
        {suggestions.map((m, i) => (
          <li
            key={m.userId}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === chosen}
            onMouseDown={(event) => {
              event.preventDefault();
              insert(m.email);
            }}
          >
            <Avatar id={m.userId} name={m.name} size="sm" showTitle={false} />
            <span>{m.name}</span> <span className="muted">@{handleOf(m.email)}</span>
          </li>
        ))}
      </ul>
    </div>
  );
}
