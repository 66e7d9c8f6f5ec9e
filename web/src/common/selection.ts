/**
 * Multi-select over a list that pages in (the queue, the gallery): single clicks toggle,
 * a shift-click selects the range from the last click, and "all matching" stands for every
 * item the current filter matches, loaded or not (the server resolves it).
 */

export interface Selection {
  readonly ids: ReadonlySet<number>;
  /** Every item matching the filter, including those not loaded. */
  readonly matching: boolean;
  /** Where the last plain click was: a shift-click selects from here. */
  readonly anchor: number | null;
}

export const NONE: Selection = { ids: new Set(), matching: false, anchor: null };

/** A click on `id` (in the list shown, `order`); `range` for a shift-click. */
export function toggle(selection: Selection, id: number, order: readonly number[], range: boolean): Selection {
  // Leaving "all matching" keeps what is on screen selected, less what was clicked.
  const ids = new Set(selection.matching ? order : selection.ids);
  const from = selection.anchor === null ? -1 : order.indexOf(selection.anchor);
  const to = order.indexOf(id);
  if (range && from >= 0 && to >= 0) {
    const [lo, hi] = from < to ? [from, to] : [to, from];
    // The range takes the state of the clicked end's new state: select it all.
    for (const item of order.slice(lo, hi + 1)) ids.add(item);
    return { ids, matching: false, anchor: id };
  }
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { ids, matching: false, anchor: id };
}

/** Everything loaded selected (or, when it already is, nothing). */
export function togglePage(selection: Selection, order: readonly number[]): Selection {
  if (allSelected(selection, order)) return NONE;
  return { ids: new Set(order), matching: false, anchor: null };
}

export const matchingAll = (selection: Selection): Selection => ({ ...selection, matching: true });

export function allSelected(selection: Selection, order: readonly number[]): boolean {
  return selection.matching || (order.length > 0 && order.every((id) => selection.ids.has(id)));
}

export function isSelected(selection: Selection, id: number): boolean {
  return selection.matching || selection.ids.has(id);
}

/** How many are selected ("all" when the server knows: the filter's total, if given). */
export function selectedCount(selection: Selection, total?: number): number | "all" {
  if (selection.matching) return total ?? "all";
  return selection.ids.size;
}

/** A selection drops items no longer listed (deleted, filtered out). */
export function keepListed(selection: Selection, order: readonly number[]): Selection {
  if (selection.matching) return selection;
  const listed = new Set(order);
  const ids = [...selection.ids].filter((id) => listed.has(id));
  return ids.length === selection.ids.size ? selection : { ...selection, ids: new Set(ids) };
}

/** Clear the selection once its bulk request succeeds, even if the bar that sent it was
 * hidden meanwhile: mutate's own onSuccess is dropped with its component, and the bar came
 * back with the selection kept. A failure stays on the mutation, for the bar to show. */
export function clearAfter(request: Promise<unknown>, clear: () => void): void {
  request.then(clear, () => undefined);
}
