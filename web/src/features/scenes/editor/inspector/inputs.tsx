/** Small controls of the inspector, each tied to the undo history's field merging. */
import { type ReactNode, useState } from "react";
import { FLAG_PATTERN } from "src/features/scenes/editor/doc";
import { FLAG_LIST_ID, useEditing } from "src/features/scenes/editor/inspector/edit";

interface TextProps {
  label: string;
  value: string | null;
  /** null for an empty field when `nullable`. */
  onChange(value: string | null): void;
  nullable?: boolean;
  multiline?: boolean;
  maxLength?: number;
  list?: string;
  placeholder?: string;
}

export function TextField({ label, value, onChange, nullable, multiline, maxLength, list, placeholder }: TextProps) {
  const { seal } = useEditing();
  const change = (text: string) => onChange(nullable && text === "" ? null : text);
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      {multiline ? (
        <textarea value={value ?? ""} maxLength={maxLength} onChange={(e) => change(e.target.value)} onBlur={seal} />
      ) : (
        <input
          value={value ?? ""}
          maxLength={maxLength}
          list={list}
          placeholder={placeholder}
          onChange={(e) => change(e.target.value)}
          onBlur={seal}
        />
      )}
    </label>
  );
}

/** A flag name, suggested from those the scene uses; taken on Enter or leaving the field. */
export function FlagField({ label, value, onChange }: { label: string; value: string; onChange(v: string): void }) {
  const accept = (name: string) => {
    if (!FLAG_PATTERN.test(name)) return false;
    onChange(name);
    return true;
  };
  return <NameField label={label} value={value} accept={accept} list={FLAG_LIST_ID} />;
}

interface NumberProps {
  label: string;
  value: number | null;
  onChange(value: number | null): void;
  min?: number;
  max?: number;
  step?: number;
  /** An empty field is null (the default) instead of left as it was. */
  nullable?: boolean;
  integer?: boolean;
}

/** A number typed freely: the document changes only when the text is a number in range. */
export function NumberField({ label, value, onChange, min, max, step, nullable, integer }: NumberProps) {
  const { seal } = useEditing();
  const [text, setText] = useState(value === null ? "" : String(value));
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    // Changed from outside (undo, another field): show the document's value.
    setShown(value);
    setText(value === null ? "" : String(value));
  }
  const bad = text !== "" && !valid(text);
  function valid(t: string) {
    const n = Number(t);
    return Number.isFinite(n) && (!integer || Number.isInteger(n)) && (min === undefined || n >= min) && (max === undefined || n <= max);
  }
  return (
    <label className={bad ? "field field-invalid" : "field"}>
      <span className="field-label">{label}</span>
      <input
        type="number"
        value={text}
        min={min}
        max={max}
        step={step ?? (integer ? 1 : "any")}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          if (t === "" && nullable) {
            setShown(null);
            onChange(null);
          } else if (t !== "" && valid(t)) {
            setShown(Number(t));
            onChange(Number(t));
          }
        }}
        onBlur={seal}
      />
    </label>
  );
}

export function SelectField<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly (readonly [T, string])[];
  onChange(value: T): void;
}) {
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map(([v, text]) => (
          <option key={v} value={v}>
            {text}
          </option>
        ))}
      </select>
    </label>
  );
}

export function Check({ label, checked, onChange }: { label: string; checked: boolean; onChange(v: boolean): void }) {
  return (
    <label className="inline-field">
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

export function Section({ title, children, actions }: { title: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="inspector-section" aria-label={title}>
      <div className="spread">
        <h3>{title}</h3>
        {actions}
      </div>
      {children}
    </section>
  );
}

/** A name typed freely and taken on Enter or on leaving the field, if `accept` takes it
 * (else the field goes back to the name it had). For ids and names that must stay valid. */
export function NameField({ label, value, accept, list }: { label: string; value: string; accept(v: string): boolean; list?: string }) {
  const [text, setText] = useState(value);
  const [shown, setShown] = useState(value);
  if (value !== shown) {
    setShown(value);
    setText(value);
  }
  const commit = () => {
    if (text !== value && !accept(text)) setText(value);
  };
  return (
    <label className="field">
      <span className="field-label">{label}</span>
      <input
        value={text}
        list={list}
        onChange={(e) => setText(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === "Enter") commit();
          if (e.key === "Escape") setText(value);
        }}
      />
    </label>
  );
}
