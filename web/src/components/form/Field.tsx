// The labelled boxes every form uses (`.field`: a label above its control), so that a control's
// label, id and spacing are written once. Props other than the ones named here go to the control.
import type {
  InputHTMLAttributes,
  ReactNode,
  Ref,
  SelectHTMLAttributes,
  TextareaHTMLAttributes,
} from 'react';

interface FieldProps {
  id: string;
  label: string;
  /** Extra classes of the box, e.g. `grow` or `field-inline`. */
  fieldClass?: string;
  /** Shown under the control: a hint or an error, with the id the control's aria-describedby names. */
  children?: ReactNode;
}

export function Field({ id, label, fieldClass, children }: FieldProps & { children: ReactNode }) {
  return (
    <div className={fieldClass ? `field ${fieldClass}` : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children}
    </div>
  );
}

export function TextField({
  id,
  label,
  fieldClass,
  children,
  inputRef,
  ...input
}: FieldProps & InputHTMLAttributes<HTMLInputElement> & { inputRef?: Ref<HTMLInputElement> }) {
  return (
    <Field id={id} label={label} fieldClass={fieldClass}>
      <input id={id} ref={inputRef} {...input} />
      {children}
    </Field>
  );
}

export function TextAreaField({
  id,
  label,
  fieldClass,
  children,
  ...textarea
}: FieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field id={id} label={label} fieldClass={fieldClass}>
      <textarea id={id} {...textarea} />
      {children}
    </Field>
  );
}

/** An input whose label only screen readers read, for rows that show what it is by other means. */
export function HiddenLabelInput({
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
    <>
      <label htmlFor={id} className="visually-hidden">
        {label}
      </label>
      <input id={id} ref={inputRef} {...input} />
    </>
  );
}

export interface Option {
  value: string;
  label: string;
}

type SelectProps = SelectHTMLAttributes<HTMLSelectElement> & {
  id: string;
  options: readonly Option[];
  /** The label of a first, empty choice ("any", "unassigned"); none when absent. */
  empty?: string;
};

/** A select whose choices are `options`, for places that label it themselves. */
export function Select({ options, empty, ...select }: SelectProps) {
  return (
    <select {...select}>
      {empty !== undefined && <option value="">{empty}</option>}
      {options.map((option) => (
        <option key={option.value} value={option.value}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

export function SelectField({
  label,
  fieldClass,
  children,
  ...select
}: Omit<FieldProps, 'id'> & SelectProps) {
  return (
    <Field id={select.id} label={label} fieldClass={fieldClass}>
      <Select {...select} />
      {children}
    </Field>
  );
}
