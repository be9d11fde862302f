// The search box of the toolbars (board filter, list search, project filter): an icon, a label
// only screen readers read, and a type="search" input. Other props go to the input.
import type { InputHTMLAttributes, Ref } from 'react';
import { Icon } from '../Icon';

export function SearchInput({
  id,
  label,
  inputRef,
  ...input
}: InputHTMLAttributes<HTMLInputElement> & {
  id: string;
  label: string;
  inputRef?: Ref<HTMLInputElement>;
}) {
  return (
    <div className="search">
      <Icon name="search" />
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input id={id} ref={inputRef} type="search" {...input} />
    </div>
  );
}
