/** Flag values (null, boolean, integer, text, list of those) as the inspector edits them. */
import type { Scalar, Value } from "src/features/scenes/engine/types";

export type ValueKind = "none" | "boolean" | "integer" | "text" | "list";

export function kindOf(value: Value): ValueKind {
  if (value === null) return "none";
  if (Array.isArray(value)) return "list";
  if (typeof value === "boolean") return "boolean";
  if (typeof value === "number") return "integer";
  return "text";
}

/** A value of another kind, carrying over what can be carried. */
export function convert(value: Value, kind: ValueKind): Value {
  switch (kind) {
    case "none":
      return null;
    case "boolean":
      return value === true || value === "true";
    case "integer": {
      const n = typeof value === "number" ? value : Number.parseInt(String(value), 10);
      return Number.isSafeInteger(n) ? n : 0;
    }
    case "text":
      return value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value);
    case "list":
      return Array.isArray(value) ? value : value === null ? [] : [value];
  }
}

/** A list typed as text, "a, 2, true": numbers and booleans as themselves, the rest as text. */
export function parseList(text: string): Scalar[] {
  return text
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      if (item === "true" || item === "false") return item === "true";
      const n = Number(item);
      return /^-?\d+$/.test(item) && Number.isSafeInteger(n) ? n : item;
    });
}

export const listText = (value: Scalar[]) => value.map(String).join(", ");
