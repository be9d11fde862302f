// The search box of the toolbars (board filter, list search, project filter): an icon, a label
// only screen readers read, and a type="search" input. Other props go to the input.
import type { ComponentProps } from 'react';
import { Icon } from '../Icon';
import { HiddenLabelInput } from './Field';

export function SearchInput(props: ComponentProps<typeof HiddenLabelInput>) {
  return (
    <div className="search">
      <Icon name="search" />
      <HiddenLabelInput type="search" {...props} />
    </div>
  );
}
