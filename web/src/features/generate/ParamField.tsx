import type { Param } from "src/api/providers";
import { Field } from "src/common/Field";

interface Props {
  param: Param;
  value: string | boolean;
  error?: string;
  onChange: (value: string | boolean) => void;
}

function range(param: Param): string {
  const { minimum: min, maximum: max } = param;
  if (min !== null && min !== undefined && max !== null && max !== undefined) return `${min} to ${max}`;
  if (min !== null && min !== undefined) return `at least ${min}`;
  if (max !== null && max !== undefined) return `at most ${max}`;
  return "";
}

/** One control drawn from a ParamSpec: its type picks the widget, its limits the attributes. */
export function ParamField({ param, value, error, onChange }: Props) {
  const label = param.required ? `${param.label} *` : param.label;
  const help = [param.help, range(param)].filter(Boolean).join(" · ");
  const text = String(value);
  const common = { name: param.name, required: param.required, "aria-invalid": Boolean(error) };

  let control;
  switch (param.type) {
    case "boolean":
      control = (
        <input {...common} type="checkbox" checked={Boolean(value)} onChange={(e) => onChange(e.target.checked)} />
      );
      break;
    case "enum":
      control = (
        <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
          {!param.required && <option value="">(default)</option>}
          {(param.choices ?? []).map((choice) => (
            <option key={String(choice)} value={String(choice)}>
              {String(choice)}
            </option>
          ))}
        </select>
      );
      break;
    case "integer":
    case "number":
      control = (
        <input
          {...common}
          type="number"
          step={param.type === "integer" ? 1 : "any"}
          min={param.minimum ?? undefined}
          max={param.maximum ?? undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
      break;
    case "text":
      control = (
        <textarea {...common} maxLength={param.max_length ?? undefined} value={text} onChange={(e) => onChange(e.target.value)} />
      );
      break;
    default: // string, number_list, string_list
      control = (
        <input
          {...common}
          placeholder={param.type.endsWith("_list") ? "comma, separated" : undefined}
          maxLength={param.type === "string" ? (param.max_length ?? undefined) : undefined}
          value={text}
          onChange={(e) => onChange(e.target.value)}
        />
      );
  }
  return (
    <Field label={label} error={error} help={help}>
      {control}
    </Field>
  );
}
