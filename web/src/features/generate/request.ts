/**
 * The job request a Generate form stands for, and where the API's field errors about it
 * belong on the form. Inputs are sent in the spec's slot order so that an error keyed
 * `inputs.<index>` can be traced back to its slot and its place in that slot.
 */
import type { Asset } from "src/api/assets";
import type { Schemas } from "src/api/client";
import type { Operation } from "src/api/providers";
import { type FormValues, toParams } from "src/features/generate/paramValues";

export type JobRequest = Schemas["JobCreate"];
export type Inputs = Record<string, Asset[]>;

export interface Draft {
  providerId: string;
  operation: Operation;
  values: FormValues;
  inputs: Inputs;
  priority: number;
  /** The board the jobs land in. */
  workspaceId?: number | null;
}

/** Each input with its slot (role) and its position in the slot, in request order. */
function flatInputs(operation: Operation, inputs: Inputs): { role: string; index: number; asset: Asset }[] {
  const roles = [...operation.inputs.map((slot) => slot.role), ...Object.keys(inputs)];
  return [...new Set(roles)].flatMap((role) => (inputs[role] ?? []).map((asset, index) => ({ role, index, asset })));
}

export function toRequest(draft: Draft): JobRequest {
  return {
    provider_id: draft.providerId,
    operation_type: draft.operation.type,
    params: toParams(draft.operation, draft.values),
    inputs: flatInputs(draft.operation, draft.inputs).map(({ role, asset }) => ({ role, asset_id: asset.id })),
    priority: draft.priority,
    ...(draft.workspaceId ? { workspace_id: draft.workspaceId } : {}),
  };
}

/** A slot's errors: about the slot as a whole (how many), and about each of its items. */
export interface SlotErrors {
  slot?: string;
  items: Record<number, string>;
}

export interface PlacedErrors {
  params: Record<string, string>;
  slots: Record<string, SlotErrors>;
  /** Everything else by its API name: priority, provider_id, and names no control shows. */
  other: Record<string, string>;
}

const INPUT_INDEX = /^inputs\.(\d+)(?:\.(.+))?$/;

export function placeErrors(fields: Record<string, string>, operation: Operation, inputs: Inputs): PlacedErrors {
  const placed: PlacedErrors = { params: {}, slots: {}, other: {} };
  const flat = flatInputs(operation, inputs);
  const roles = new Set(operation.inputs.map((slot) => slot.role));
  const names = new Set(operation.params.map((param) => param.name));
  const slot = (role: string) => (placed.slots[role] ??= { items: {} });
  for (const [key, message] of Object.entries(fields)) {
    const byIndex = INPUT_INDEX.exec(key);
    const item = byIndex ? flat[Number(byIndex[1])] : undefined;
    if (item) {
      const detail = byIndex?.[2] ? `${byIndex[2]}: ${message}` : message;
      const items = slot(item.role).items;
      items[item.index] = items[item.index] ? `${items[item.index]}; ${detail}` : detail;
    } else if (key.startsWith("inputs.") && roles.has(key.slice(7))) {
      slot(key.slice(7)).slot = message;
    } else if (key.startsWith("params.") && names.has(key.slice(7))) {
      placed.params[key.slice(7)] = message;
    } else {
      placed.other[key] = message;
    }
  }
  return placed;
}

/** Only the errors about what the user has touched (live checks should not nag about a
 * form just opened); `touched` holds "params.<name>", "inputs.<role>" and other API names. */
export function touchedErrors(placed: PlacedErrors, touched: ReadonlySet<string>): PlacedErrors {
  const keep = <T>(record: Record<string, T>, prefix: string) =>
    Object.fromEntries(Object.entries(record).filter(([name]) => touched.has(prefix + name)));
  return { params: keep(placed.params, "params."), slots: keep(placed.slots, "inputs."), other: keep(placed.other, "") };
}

/** The first set's errors, then the second's for what the first says nothing about. */
export function mergeErrors(first: PlacedErrors, second: PlacedErrors): PlacedErrors {
  return {
    params: { ...second.params, ...first.params },
    slots: { ...second.slots, ...first.slots },
    other: { ...second.other, ...first.other },
  };
}
