/**
 * Flag rules: strict equality, the condition operators and the effects (docs/scenes.md §2),
 * the twin of src/pixsim7/scenes/flags.py.
 */
import type { Condition, Effect, Expr, Flags, Value } from "src/features/scenes/engine/types";

export const MAX_INT = Number.MAX_SAFE_INTEGER;
const MAX_LIST = 1000;

export function isInt(value: unknown): value is number {
  return typeof value === "number" && Number.isInteger(value);
}

/** A deep copy of a JSON value (flags, states): plain objects, lists and scalars only. */
export function clone<T>(value: T): T {
  if (Array.isArray(value)) return value.map(clone) as T;
  if (value !== null && typeof value === "object") {
    const copy: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) copy[key] = clone(item);
    return copy as T;
  }
  return value;
}

/** Strict equality of JSON values: same type, same value; lists item by item. */
export function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) &&
      Array.isArray(b) &&
      a.length === b.length &&
      a.every((item, i) => same(item, b[i]))
    );
  }
  return a === b;
}

export function read(flags: Flags, name: string): Value {
  return Object.hasOwn(flags, name) ? (flags[name] ?? null) : null;
}

/** Whether `flag op value` holds; operators on the wrong types are simply false. */
export function holds(flag: Value, op: string, value: Value): boolean {
  switch (op) {
    case "eq":
      return same(flag, value);
    case "neq":
      return !same(flag, value);
    case "includes":
      return Array.isArray(flag) && flag.some((item) => same(item, value));
  }
  if (!isInt(flag) || !isInt(value)) return false;
  switch (op) {
    case "gt":
      return flag > value;
    case "lt":
      return flag < value;
    case "gte":
      return flag >= value;
    case "lte":
      return flag <= value;
  }
  throw new Error(`unknown condition operator ${op}`);
}

export function allHold(flags: Flags, conditions: Condition[]): boolean {
  return conditions.every((c) => holds(read(flags, c.flag), c.op, c.value));
}

/** One effect, in place. */
export function apply(flags: Flags, effect: Effect): void {
  const { flag: name, op, value } = effect;
  const current = read(flags, name);
  switch (op) {
    case "set":
      flags[name] = clone(value);
      return;
    case "inc":
    case "dec": {
      const base = isInt(current) ? current : 0;
      const step = isInt(value) ? value : 1;
      const result = op === "inc" ? base + step : base - step;
      flags[name] = Math.max(-MAX_INT, Math.min(MAX_INT, result));
      return;
    }
    case "push": {
      const items = Array.isArray(current) ? [...current] : [];
      if (items.length < MAX_LIST) flags[name] = [...items, clone(value)] as Value;
      return;
    }
    case "toggle":
      flags[name] = current !== true;
      return;
  }
  throw new Error(`unknown effect operator ${String(op)}`);
}

/** An expression: `{flag}` reads a flag (null when unset), `{value}` is that value. */
export function evaluate(expr: Expr, flags: Flags): Value {
  return "flag" in expr ? clone(read(flags, expr.flag)) : clone(expr.value);
}
