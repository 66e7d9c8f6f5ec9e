/**
 * Reading the action schema the API serves (a JSON schema of a tagged union): which kinds
 * of action there are, and the fields each one's form shows. Nothing about any one action
 * is written here: a kind added on the server shows up in the builder as it is.
 */

export type JsonSchema = {
  type?: string;
  $ref?: string;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  description?: string;
  title?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  maxLength?: number;
  $defs?: Record<string, JsonSchema>;
  discriminator?: { propertyName: string; mapping: Record<string, string> };
};

export type Action = { type: string; [field: string]: unknown };

export type FieldKind =
  | { kind: "text"; maxLength?: number }
  | { kind: "number"; integer: boolean; min?: number; max?: number }
  | { kind: "boolean" }
  | { kind: "choice"; options: string[] }
  | { kind: "object"; schema: JsonSchema }
  | { kind: "actions" };

export type FormField = { name: string; label: string; required: boolean; optional: boolean; field: FieldKind; default?: unknown };

export function resolve(root: JsonSchema, schema: JsonSchema): JsonSchema {
  let current = schema;
  while (current.$ref) {
    const name = current.$ref.split("/").pop() ?? "";
    current = root.$defs?.[name] ?? {};
  }
  return current;
}

/** The kinds of action, in the schema's order, with the definition of each. */
export function actionKinds(root: JsonSchema): { type: string; schema: JsonSchema }[] {
  const mapping = root.discriminator?.mapping ?? {};
  return Object.entries(mapping).map(([type, ref]) => ({ type, schema: resolve(root, { $ref: ref }) }));
}

const label = (name: string) => name.replace(/_/g, " ");

/** The form fields of one object schema (an action, or an element inside one). */
export function fields(root: JsonSchema, schema: JsonSchema): FormField[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {})
    .filter(([, prop]) => prop.const === undefined && !(prop.enum?.length === 1 && prop.type === "string"))
    .flatMap(([name, prop]) => {
      let inner = prop;
      let optional = false;
      const variants = prop.anyOf ?? prop.oneOf;
      if (variants) {
        const rest = variants.filter((v) => v.type !== "null");
        optional = rest.length < variants.length;
        inner = rest[0] ?? {};
      }
      const field = kindOf(root, inner);
      return field ? [{ name, label: label(name), required: required.has(name), optional, field, default: prop.default }] : [];
    });
}

function kindOf(root: JsonSchema, schema: JsonSchema): FieldKind | null {
  const resolved = resolve(root, schema);
  if (resolved.enum) return { kind: "choice", options: resolved.enum.map(String) };
  if (resolved.type === "array") {
    const items = resolved.items ?? {};
    return items.discriminator || items.oneOf ? { kind: "actions" } : null;
  }
  if (resolved.type === "object" || resolved.properties) return { kind: "object", schema: resolved };
  if (resolved.type === "boolean") return { kind: "boolean" };
  if (resolved.type === "integer" || resolved.type === "number") {
    return {
      kind: "number",
      integer: resolved.type === "integer",
      min: resolved.minimum ?? resolved.exclusiveMinimum,
      max: resolved.maximum,
    };
  }
  if (resolved.type === "string") return { kind: "text", maxLength: resolved.maxLength };
  return null;
}

/** A new action of this kind: its required fields at their defaults or empty. */
export function blank(root: JsonSchema, type: string): Action {
  const kind = actionKinds(root).find((k) => k.type === type);
  const action: Action = { type };
  for (const f of kind ? fields(root, kind.schema) : []) {
    if (f.field.kind === "actions") action[f.name] = [];
    else if (f.required && f.default !== undefined) action[f.name] = f.default;
    else if (f.required && f.field.kind === "object") action[f.name] = {};
  }
  return action;
}

/** A one-line summary of an action, for the builder's list. */
export function summary(action: Action): string {
  const parts = Object.entries(action)
    .filter(([k, v]) => k !== "type" && k !== "actions" && v !== undefined && v !== null && v !== "")
    .map(([k, v]) => `${label(k)}: ${typeof v === "object" ? JSON.stringify(v) : String(v)}`);
  return parts.join(", ");
}
