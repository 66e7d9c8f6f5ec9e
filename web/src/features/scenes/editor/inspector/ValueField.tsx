import { TextField } from "src/features/scenes/editor/inspector/inputs";
import { useEditing } from "src/features/scenes/editor/inspector/edit";
import { convert, kindOf, listText, parseList, type ValueKind } from "src/features/scenes/editor/values";
import type { Value } from "src/features/scenes/engine/types";

const KINDS: [ValueKind, string][] = [
  ["none", "none"],
  ["boolean", "true/false"],
  ["integer", "number"],
  ["text", "text"],
  ["list", "list"],
];

/** A flag value: its kind, then the value in a control for that kind. */
export function ValueField({ label, value, onChange, kinds }: { label: string; value: Value; onChange(v: Value): void; kinds?: ValueKind[] }) {
  const { seal } = useEditing();
  const kind = kindOf(value);
  const offered = KINDS.filter(([k]) => !kinds || kinds.includes(k) || k === kind);
  return (
    <div className="value-field">
      <label className="field">
        <span className="field-label">{label}</span>
        <select aria-label={`${label} kind`} value={kind} onChange={(e) => onChange(convert(value, e.target.value as ValueKind))}>
          {offered.map(([k, text]) => (
            <option key={k} value={k}>
              {text}
            </option>
          ))}
        </select>
      </label>
      {kind === "boolean" && (
        <select aria-label={label} value={String(value)} onChange={(e) => onChange(e.target.value === "true")} onBlur={seal}>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      )}
      {kind === "integer" && (
        <input
          aria-label={label}
          type="number"
          step={1}
          value={String(value)}
          onChange={(e) => {
            const n = Number(e.target.value);
            if (e.target.value !== "" && Number.isSafeInteger(n)) onChange(n);
          }}
          onBlur={seal}
        />
      )}
      {kind === "text" && <TextField label={`${label} text`} value={value as string} onChange={(v) => onChange(v ?? "")} maxLength={500} />}
      {kind === "list" && (
        <TextField
          label={`${label} items`}
          value={listText(value as (string | number | boolean)[])}
          onChange={(v) => onChange(parseList(v ?? ""))}
          placeholder="a, b, 3"
        />
      )}
    </div>
  );
}
