/**
 * The assets the user chose as inputs, carried from one operation to the next. Each goes
 * into a slot that takes its media type; one that fits no slot stays aside, shown as not
 * used with the reason, so an input is never dropped without a word and the request holds
 * exactly what the slots show.
 */
import type { Asset } from "src/api/assets";
import type { Operation } from "src/api/providers";
import type { Inputs } from "src/features/generate/request";

export interface Unused {
  asset: Asset;
  reason: string;
}

export interface Placement {
  inputs: Inputs;
  unused: Unused[];
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** Why `operation` has no room for an asset of this media type. */
function reason(operation: Operation, mediaType: string): string {
  const room = operation.inputs.filter((slot) => slot.media_type === mediaType).reduce((n, slot) => n + slot.max_count, 0);
  return room === 0
    ? `${operation.label} takes no ${mediaType}`
    : `${operation.label} takes at most ${plural(room, mediaType)}`;
}

/** The chosen assets in the operation's slots, in order: each in the first slot of its media
 * type with room left. */
export function place(operation: Operation, chosen: readonly Asset[]): Placement {
  const inputs: Inputs = {};
  const unused: Unused[] = [];
  for (const asset of chosen) {
    const slot = operation.inputs.find(
      (s) => s.media_type === asset.media_type && (inputs[s.role]?.length ?? 0) < s.max_count,
    );
    if (slot) inputs[slot.role] = [...(inputs[slot.role] ?? []), asset];
    else unused.push({ asset, reason: reason(operation, asset.media_type) });
  }
  return { inputs, unused };
}

/** What the user has chosen, placed or not, in the order it is placed again. */
export function chosenOf(operation: Operation, inputs: Inputs, unused: readonly Unused[]): Asset[] {
  const roles = [...new Set([...operation.inputs.map((slot) => slot.role), ...Object.keys(inputs)])];
  return [...roles.flatMap((role) => inputs[role] ?? []), ...unused.map((u) => u.asset)];
}

/** The operation to open with these inputs: the first that uses the most of them (the
 * first of all when nothing is chosen). */
export function operationFor(operations: readonly Operation[], chosen: readonly Asset[]): Operation | undefined {
  let best = operations[0];
  let most = best ? chosen.length - place(best, chosen).unused.length : 0;
  for (const operation of operations.slice(1)) {
    const used = chosen.length - place(operation, chosen).unused.length;
    if (used > most) [best, most] = [operation, used];
  }
  return best;
}
