/** Form values of an operation's params: text in the form, typed values in the request. */
import type { Operation, Param } from "src/api/providers";

export type FormValues = Record<string, string | boolean>;

const isList = (p: Param) => p.type === "number_list" || p.type === "string_list";

export function initialValues(operation: Operation): FormValues {
  const values: FormValues = {};
  for (const param of operation.params) {
    const d = param.default;
    if (param.type === "boolean") values[param.name] = Boolean(d);
    else if (Array.isArray(d)) values[param.name] = d.join(", ");
    else values[param.name] = d === null || d === undefined ? "" : String(d);
  }
  return values;
}

/** Typed params; empty optional fields are left out so the API applies its defaults. */
export function toParams(operation: Operation, values: FormValues): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const param of operation.params) {
    const raw = values[param.name];
    if (param.type === "boolean") {
      params[param.name] = Boolean(raw);
      continue;
    }
    const text = String(raw ?? "").trim();
    if (text === "") continue;
    if (isList(param)) {
      const items = text.split(",").map((s) => s.trim()).filter(Boolean);
      params[param.name] = param.type === "number_list" ? items.map(Number) : items;
    } else if (param.type === "integer" || param.type === "number") {
      params[param.name] = Number(text);
    } else if (param.type === "enum") {
      // A select gives text: send the choice itself, so 5 stays a number (Pixverse durations).
      params[param.name] = param.choices?.find((c) => String(c) === text) ?? text;
    } else {
      params[param.name] = text;
    }
  }
  return params;
}
