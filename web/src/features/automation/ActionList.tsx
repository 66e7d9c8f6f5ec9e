import { useState } from "react";
import {
  type Action,
  actionKinds,
  blank,
  type FormField,
  fields,
  type JsonSchema,
  summary,
} from "src/features/automation/schemaForm";

interface ListProps {
  root: JsonSchema;
  actions: Action[];
  onChange: (actions: Action[]) => void;
  path?: string;
}

/** A list of actions: add, reorder, remove, edit, and nest (blocks hold lists of their own). */
export function ActionList({ root, actions, onChange, path = "" }: ListProps) {
  const kinds = actionKinds(root);
  const [adding, setAdding] = useState(kinds[0]?.type ?? "");
  const replace = (i: number, action: Action) => onChange(actions.map((a, j) => (j === i ? action : a)));
  const move = (i: number, by: number) => {
    const next = [...actions];
    next.splice(i + by, 0, ...next.splice(i, 1));
    onChange(next);
  };
  return (
    <div className="stack action-list">
      <ol className="actions">
        {actions.map((action, i) => (
          <li key={i} className="card action">
            <ActionEditor
              root={root}
              action={action}
              label={`${path}${i + 1}`}
              onChange={(a) => replace(i, a)}
              onUp={i > 0 ? () => move(i, -1) : undefined}
              onDown={i < actions.length - 1 ? () => move(i, 1) : undefined}
              onRemove={() => onChange(actions.filter((_, j) => j !== i))}
            />
          </li>
        ))}
      </ol>
      <div className="row">
        <select aria-label={`Action to add${path ? ` in ${path.slice(0, -1)}` : ""}`} value={adding} onChange={(e) => setAdding(e.target.value)}>
          {kinds.map((k) => (
            <option key={k.type} value={k.type}>
              {k.type.replace(/_/g, " ")}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => onChange([...actions, blank(root, adding)])}>
          Add action{path ? ` in ${path.slice(0, -1)}` : ""}
        </button>
      </div>
    </div>
  );
}

interface EditorProps {
  root: JsonSchema;
  action: Action;
  label: string;
  onChange: (action: Action) => void;
  onUp?: () => void;
  onDown?: () => void;
  onRemove: () => void;
}

function ActionEditor({ root, action, label, onChange, onUp, onDown, onRemove }: EditorProps) {
  const [open, setOpen] = useState(true);
  const kind = actionKinds(root).find((k) => k.type === action.type);
  const formFields = kind ? fields(root, kind.schema) : [];
  return (
    <div className="stack">
      <div className="spread">
        <button type="button" className="link" aria-expanded={open} onClick={() => setOpen(!open)}>
          {label}. {action.type.replace(/_/g, " ")}
        </button>
        {!open && <span className="muted ellipsis">{summary(action)}</span>}
        <span className="row">
          <button type="button" aria-label={`Move action ${label} up`} disabled={!onUp} onClick={onUp}>
            ↑
          </button>
          <button type="button" aria-label={`Move action ${label} down`} disabled={!onDown} onClick={onDown}>
            ↓
          </button>
          <button type="button" className="danger" aria-label={`Remove action ${label}`} onClick={onRemove}>
            ✕
          </button>
        </span>
      </div>
      {open && (
        <Fields
          root={root}
          fields={formFields}
          value={action}
          prefix={`Action ${label}`}
          path={`${label}.`}
          onChange={(v) => onChange(v as Action)}
        />
      )}
    </div>
  );
}

interface FieldsProps {
  root: JsonSchema;
  fields: FormField[];
  value: Record<string, unknown>;
  prefix: string;
  path: string;
  onChange: (value: Record<string, unknown>) => void;
}

/** The inputs of an object's fields, as the schema describes them. */
function Fields({ root, fields: list, value, prefix, path, onChange }: FieldsProps) {
  const set = (name: string, v: unknown) => {
    const next = { ...value };
    if (v === undefined || v === "") delete next[name];
    else next[name] = v;
    onChange(next);
  };
  return (
    <div className="action-fields">
      {list.map((f) => {
        const id = `${prefix} ${f.label}`;
        const current = value[f.name];
        switch (f.field.kind) {
          case "actions":
            return (
              <div key={f.name} className="nested">
                <span className="field-label">{f.label}</span>
                <ActionList
                  root={root}
                  actions={(current as Action[]) ?? []}
                  onChange={(a) => set(f.name, a)}
                  path={path}
                />
              </div>
            );
          case "object": {
            const present = current !== undefined && current !== null;
            return (
              <fieldset key={f.name} className="nested">
                <legend>
                  {f.optional ? (
                    <label className="inline-field">
                      <input
                        type="checkbox"
                        checked={present}
                        aria-label={`${id} given`}
                        onChange={(e) => set(f.name, e.target.checked ? {} : undefined)}
                      />
                      {f.label}
                    </label>
                  ) : (
                    f.label
                  )}
                </legend>
                {present && (
                  <Fields
                    root={root}
                    fields={fields(root, f.field.schema)}
                    value={current as Record<string, unknown>}
                    prefix={`${id}`}
                    path={path}
                    onChange={(v) => set(f.name, v)}
                  />
                )}
              </fieldset>
            );
          }
          case "boolean":
            return (
              <label key={f.name} className="inline-field">
                <input
                  type="checkbox"
                  aria-label={id}
                  checked={Boolean(current ?? f.default)}
                  onChange={(e) => set(f.name, e.target.checked)}
                />
                {f.label}
              </label>
            );
          case "choice":
            return (
              <label key={f.name} className="field">
                <span className="field-label">{f.label}</span>
                <select aria-label={id} value={String(current ?? "")} onChange={(e) => set(f.name, e.target.value || undefined)}>
                  {!f.required && <option value="">—</option>}
                  {f.field.options.map((o) => (
                    <option key={o} value={o}>
                      {o}
                    </option>
                  ))}
                </select>
              </label>
            );
          case "number": {
            const { integer, min, max } = f.field;
            return (
              <label key={f.name} className="field">
                <span className="field-label">{f.label}</span>
                <input
                  type="number"
                  aria-label={id}
                  className="narrow"
                  step={integer ? 1 : "any"}
                  min={min}
                  max={max}
                  placeholder={f.default !== undefined && f.default !== null ? String(f.default) : ""}
                  value={current === undefined || current === null ? "" : String(current)}
                  onChange={(e) => set(f.name, e.target.value === "" ? undefined : Number(e.target.value))}
                />
              </label>
            );
          }
          default:
            return (
              <label key={f.name} className="field">
                <span className="field-label">{f.label}</span>
                <input
                  aria-label={id}
                  maxLength={f.field.maxLength}
                  value={String(current ?? "")}
                  onChange={(e) => set(f.name, e.target.value)}
                />
              </label>
            );
        }
      })}
    </div>
  );
}
