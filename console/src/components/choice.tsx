import { type ReactNode, useId } from 'react';

export type ChoiceOption = string | { readonly value: string; readonly label: string };

/**
 * A labelled select, as every filter of the console draws one. With `all`, a first option of value '' stands for
 * "no filter" under that name; an option may be a plain value, shown as itself.
 */
export function Choice(props: {
  label: string;
  value: string;
  options: readonly ChoiceOption[];
  all?: string;
  onChange: (value: string) => void;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(event) => props.onChange(event.target.value)}>
        {props.all !== undefined && <option value="">{props.all}</option>}
        {props.options.map((option) => {
          const { value, label } = typeof option === 'string' ? { value: option, label: option } : option;
          return (
            <option key={value} value={value}>
              {label}
            </option>
          );
        })}
      </select>
    </div>
  );
}

/** A row of filters named `label`: a form that is never submitted, each choice in it applying at once. */
export function FilterRow({ label, children }: { label: string; children: ReactNode }) {
  return (
    <form className="filters" aria-label={label} onSubmit={(event) => event.preventDefault()}>
      {children}
    </form>
  );
}
