import { useId } from "react";
import "./Field.css";

/**
 * A labelled text input as the app's forms use it. The label alone names the
 * input; the hint (inside the same <label> for layout) only describes it.
 */
export function Field(props: {
  label: string;
  value: string;
  onChange(v: string): void;
  type?: string;
  autoComplete?: string;
  placeholder?: string;
  autoFocus?: boolean;
  hint?: string;
  optional?: boolean;
}) {
  const id = useId();
  return (
    <label className="field">
      <span id={`${id}-label`}>{props.label}</span>
      <input
        aria-labelledby={`${id}-label`}
        aria-describedby={props.hint ? `${id}-hint` : undefined}
        type={props.type ?? "text"}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        placeholder={props.placeholder}
        autoFocus={props.autoFocus}
        data-autofocus={props.autoFocus || undefined}
        required={!props.optional}
        spellCheck={false}
        autoCapitalize="off"
      />
      {props.hint && (
        <small className="muted" id={`${id}-hint`}>
          {props.hint}
        </small>
      )}
    </label>
  );
}
