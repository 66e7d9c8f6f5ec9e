/**
 * How a live event changes the query cache: an entity is patched where it is cached, and
 * anything computed on the server (counts, a filtered list that now holds it) is refetched
 * soon after, once per burst of events, never worked out here.
 */
import type { QueryClient, QueryKey } from "@tanstack/react-query";

export type Entity = Record<string, unknown>;
export type Handler = (queryClient: QueryClient, data: Entity) => void;

/** A burst of events (a batch created, many jobs progressing) costs one refetch per key. */
export const REFETCH_DELAY_MS = 250;

const due = new WeakMap<QueryClient, Map<string, QueryKey>>();

/**
 * Refetch these queries (each key and all under it) within REFETCH_DELAY_MS: at most once
 * per delay whatever the number of events, and always once after the last of them.
 */
export function refetchSoon(queryClient: QueryClient, ...keys: QueryKey[]) {
  let waiting = due.get(queryClient);
  if (!waiting) {
    const batch = new Map<string, QueryKey>();
    due.set(queryClient, batch);
    setTimeout(() => {
      due.delete(queryClient);
      const keys = [...batch.values()];
      // A key under another one in the batch is refetched with it, not a second time.
      for (const queryKey of keys.filter((key) => !keys.some((other) => other !== key && under(key, other)))) {
        void queryClient.invalidateQueries({ queryKey });
      }
    }, REFETCH_DELAY_MS);
    waiting = batch;
  }
  for (const key of keys) waiting.set(JSON.stringify(key), key);
}

const under = (key: QueryKey, prefix: QueryKey) =>
  prefix.length <= key.length && prefix.every((part, i) => JSON.stringify(part) === JSON.stringify(key[i]));

/** Refetch every query of these features. */
export const refetch =
  (...features: string[]): Handler =>
  (queryClient) =>
    refetchSoon(queryClient, ...features.map((feature) => [feature]));

/**
 * Replace an entity inside every cached list and detail of its feature. A filtered list
 * (key [feature, "list", filters, …]) also drops an entity that no longer matches, and is
 * refetched when one it has fully loaded should now hold an entity it lacks. `alsoRefetch`
 * names what the server computes from such entities (counts, balances).
 */
export const patchEntity =
  (feature: string, ...alsoRefetch: QueryKey[]): Handler =>
  (queryClient, data) => {
    const id = data.id;
    if (typeof id !== "number") return refetch(feature)(queryClient, data);
    for (const [key, old] of queryClient.getQueriesData({ queryKey: [feature] })) {
      const filters = key[1] === "list" && key[2] && typeof key[2] === "object" ? (key[2] as Entity) : {};
      if (find(old, id)) {
        queryClient.setQueryData(key, patch(old, id, data, (entity) => matches(entity, filters)));
        if (movedUnder(old, id, data, filters)) refetchSoon(queryClient, key);
      } else if (matches(data, filters, false) && fullyLoaded(old)) refetchSoon(queryClient, key);
    }
    refetchSoon(queryClient, ...alsoRefetch);
  };

/** Filters the server widens: a board's lists hold its sub-boards' items too, which only
 * the server knows. An item moved to another board stays until its list is read again
 * (dropping it here took the queue's row, and the bulk bar moving it, off the screen). */
const WIDENED = ["workspace_id"];
/** Filters that may name several values, comma-separated (`status=pending,processing`). */
const LISTED = ["status"];

const set = (wanted: unknown) => wanted !== undefined && wanted !== null && wanted !== "";

/** Whether an entity belongs in a list with these filters; filters that name no field of the
 * entity (a search text, a date range, a sort) are left to the server. A widened filter the
 * entity does not equal answers `unsure`: kept where cached, but a list lacking the entity
 * is not read again for it (every job's progress elsewhere would refetch a board's queue). */
export function matches(entity: Entity, filters: Entity, unsure = true): boolean {
  return Object.entries(filters).every(([name, wanted]) => {
    if (!set(wanted) || !(name in entity)) return true;
    const value = entity[name];
    if (value === wanted) return true;
    if (WIDENED.includes(name)) return unsure;
    return LISTED.includes(name) && typeof wanted === "string" && wanted.split(",").includes(value as string);
  });
}

/** Whether a cached item changed a field its list's widened filter reads. */
function movedUnder(old: unknown, id: number, data: Entity, filters: Entity): boolean {
  const cached = items(old).find((item) => item.id === id);
  return WIDENED.some((name) => set(filters[name]) && name in data && cached !== undefined && data[name] !== cached[name]);
}

function items(old: unknown): Entity[] {
  if (!old || typeof old !== "object") return [];
  if ("pages" in old && Array.isArray(old.pages)) return old.pages.flatMap(items);
  if ("items" in old && Array.isArray(old.items)) return old.items as Entity[];
  return Array.isArray(old) ? (old as Entity[]) : [old as Entity];
}

const find = (old: unknown, id: number) => items(old).some((item) => item.id === id);

/** A list whose every page is in the cache (so what it lacks, it does not have). */
function fullyLoaded(old: unknown): boolean {
  if (!old || typeof old !== "object") return false;
  if ("pages" in old && Array.isArray(old.pages)) {
    const last = old.pages.at(-1) as { next_cursor?: unknown } | undefined;
    return Boolean(last) && !last?.next_cursor;
  }
  return "items" in old && !(old as { next_cursor?: unknown }).next_cursor;
}

/** Whether `incoming` is an older state than `cached`: events published by different tasks
 * or processes may arrive out of order, and a late one must not undo a newer state. */
export function older(incoming: Entity, cached: Entity): boolean {
  const at = (entity: Entity) => (typeof entity.updated_at === "string" ? Date.parse(entity.updated_at) : NaN);
  return at(incoming) < at(cached);
}

function patch(old: unknown, id: number, data: Entity, keep: (entity: Entity) => boolean): unknown {
  if (!old || typeof old !== "object") return old;
  if ("pages" in old && Array.isArray(old.pages)) {
    return { ...old, pages: old.pages.map((page) => patch(page, id, data, keep)) };
  }
  if ("items" in old && Array.isArray(old.items)) {
    const next = old.items.map((item) => patch(item, id, data, keep)) as Entity[];
    return { ...old, items: next.filter((item) => item.id !== id || keep(item)) };
  }
  if (Array.isArray(old)) return old.map((item) => patch(item, id, data, keep));
  if ("id" in old && old.id === id && !older(data, old as Entity)) return { ...old, ...data };
  return old;
}
