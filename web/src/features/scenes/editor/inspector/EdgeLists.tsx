import { FlagField, SelectField } from "src/features/scenes/editor/inspector/inputs";
import { ValueField } from "src/features/scenes/editor/inspector/ValueField";
import type { Condition, ConditionOp, Effect, EffectOp } from "src/features/scenes/engine/types";

const CONDITION_OPS: [ConditionOp, string][] = [
  ["eq", "equals"],
  ["neq", "differs from"],
  ["gt", ">"],
  ["lt", "<"],
  ["gte", "≥"],
  ["lte", "≤"],
  ["includes", "list includes"],
];

const EFFECT_OPS: [EffectOp, string][] = [
  ["set", "set to"],
  ["inc", "increase by"],
  ["dec", "decrease by"],
  ["push", "add to list"],
  ["toggle", "toggle"],
];

const MAX = 20;

/** The conditions that must all hold for an edge to be open. */
export function ConditionList({ items, onChange, keyPrefix }: { items: Condition[]; onChange(c: Condition[], key?: string): void; keyPrefix: string }) {
  const set = (i: number, patch: Partial<Condition>, key?: string) =>
    onChange(items.map((c, j) => (j === i ? { ...c, ...patch } : c)), key && `${keyPrefix}:${i}:${key}`);
  return (
    <fieldset className="inspector-list">
      <legend>Conditions (all must hold)</legend>
      {items.map((c, i) => (
        <div className="inspector-item" key={i} role="group" aria-label={`Condition ${i + 1}`}>
          <FlagField label="Flag" value={c.flag} onChange={(flag) => set(i, { flag })} />
          <SelectField label="Test" value={c.op} options={CONDITION_OPS} onChange={(op) => set(i, { op })} />
          <ValueField label="Value" value={c.value} onChange={(value) => set(i, { value }, "value")} />
          <button type="button" className="link" onClick={() => onChange(items.filter((_, j) => j !== i))}>
            Remove condition
          </button>
        </div>
      ))}
      <button type="button" disabled={items.length >= MAX} onClick={() => onChange([...items, { flag: "flag", op: "eq", value: true }])}>
        Add condition
      </button>
    </fieldset>
  );
}

/** What taking the edge does to flags, in order. */
export function EffectList({ items, onChange, keyPrefix }: { items: Effect[]; onChange(e: Effect[], key?: string): void; keyPrefix: string }) {
  const set = (i: number, patch: Partial<Effect>, key?: string) =>
    onChange(items.map((e, j) => (j === i ? { ...e, ...patch } : e)), key && `${keyPrefix}:${i}:${key}`);
  const setOp = (i: number, op: EffectOp) => {
    // Each op takes its own kind of value (docs/scenes.md §1): set and push need one.
    const value = op === "toggle" ? null : op === "inc" || op === "dec" ? 1 : op === "push" ? "item" : (items[i]?.value ?? true);
    set(i, { op, value });
  };
  return (
    <fieldset className="inspector-list">
      <legend>Effects (in order)</legend>
      {items.map((e, i) => (
        <div className="inspector-item" key={i} role="group" aria-label={`Effect ${i + 1}`}>
          <FlagField label="Flag" value={e.flag} onChange={(flag) => set(i, { flag })} />
          <SelectField label="Change" value={e.op} options={EFFECT_OPS} onChange={(op) => setOp(i, op)} />
          {e.op !== "toggle" && (
            <ValueField
              label="Value"
              value={e.value}
              kinds={e.op === "inc" || e.op === "dec" ? ["none", "integer"] : e.op === "push" ? ["boolean", "integer", "text"] : undefined}
              onChange={(value) => set(i, { value }, "value")}
            />
          )}
          <button type="button" className="link" onClick={() => onChange(items.filter((_, j) => j !== i))}>
            Remove effect
          </button>
        </div>
      ))}
      <button type="button" disabled={items.length >= MAX} onClick={() => onChange([...items, { flag: "flag", op: "set", value: true }])}>
        Add effect
      </button>
    </fieldset>
  );
}
