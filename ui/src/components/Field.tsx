/** A labelled text input as the app's forms use it. */
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
  return (
    <label className="field">
      <span>{props.label}</span>
      <input
        type={props.type ?? "text"}
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        autoComplete={props.autoComplete}
        placeholder={props.placeholder}
        autoFocus={props.autoFocus}
        required={!props.optional}
        spellCheck={false}
        autoCapitalize="off"
      />
      {props.hint && <small className="muted">{props.hint}</small>}
    </label>
  );
}
