/**
 * The one place live server events reach the query cache.
 *
 * GET /api/v1/events is a Server-Sent Events stream of {"type", "data", "ts"} frames (authenticated by the login cookie,
 * since EventSource cannot send headers). Each event type maps to one cache update;
 * the browser reconnects by itself and sends Last-Event-ID, so nothing is missed
 * within the server's replay window.
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";

type Handler = (queryClient: QueryClient, data: Record<string, unknown>) => void;

const invalidate =
  (...keys: string[]): Handler =>
  (queryClient) => {
    for (const key of keys) void queryClient.invalidateQueries({ queryKey: [key] });
  };

type Entity = Record<string, unknown>;

/**
 * Replace an entity inside every cached list and detail of its feature. A filtered list
 * (key [feature, "list", filters, …]) also drops an entity that no longer matches, and is
 * refetched when one it has fully loaded should now hold an entity it lacks.
 */
const patchEntity =
  (feature: string, ...alsoInvalidate: string[]): Handler =>
  (queryClient, data) => {
    const id = data.id;
    if (typeof id !== "number") return invalidate(feature)(queryClient, data);
    for (const [key, old] of queryClient.getQueriesData({ queryKey: [feature] })) {
      const filters = key[1] === "list" && key[2] && typeof key[2] === "object" ? (key[2] as Entity) : {};
      const keep = (entity: Entity) => matches(entity, filters);
      if (find(old, id)) queryClient.setQueryData(key, patch(old, id, data, keep));
      else if (keep(data) && fullyLoaded(old)) void queryClient.invalidateQueries({ queryKey: key, exact: true });
    }
    invalidate(...alsoInvalidate)(queryClient, data);
  };

/** Whether an entity belongs in a list with these filters; filters that name no field of the
 * entity (a search text, a date range, a sort) are left to the server. */
export function matches(entity: Entity, filters: Entity): boolean {
  return Object.entries(filters).every(
    ([name, wanted]) => wanted === undefined || wanted === null || wanted === "" || !(name in entity) || entity[name] === wanted,
  );
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
  if ("id" in old && old.id === id) return { ...old, ...data };
  return old;
}

export const HANDLERS: Record<string, Handler> = {
  "job.created": invalidate("jobs", "dashboard"),
  // A job that moves also moves its account's credits and in-flight count.
  "job.updated": patchEntity("jobs", "dashboard", "accounts"),
  "job.deleted": invalidate("jobs", "dashboard"),
  "queue.updated": invalidate("jobs", "dashboard"),
  "asset.created": invalidate("assets", "dashboard"),
  "asset.updated": patchEntity("assets"),
  "asset.deleted": invalidate("assets", "dashboard"),
  "account.created": invalidate("accounts", "dashboard"),
  "account.updated": patchEntity("accounts", "dashboard"),
  "account.deleted": invalidate("accounts", "dashboard"),
};

export function applyEvent(queryClient: QueryClient, type: string, raw: string) {
  const handler = HANDLERS[type];
  if (!handler) return;
  let frame: { data?: unknown };
  try {
    frame = JSON.parse(raw); // {"type", "data", "ts"}
  } catch {
    return;
  }
  const data = frame?.data;
  if (data && typeof data === "object") handler(queryClient, data as Record<string, unknown>);
}

/** Opens the stream while mounted; returns whether it is connected. */
export function useLiveEvents(url = "/api/v1/events"): boolean {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    const source = new EventSource(url);
    source.onopen = () => setOpen(true);
    source.onerror = () => setOpen(false);
    for (const type of Object.keys(HANDLERS)) {
      source.addEventListener(type, (event) => applyEvent(queryClient, type, event.data));
    }
    return () => source.close();
  }, [queryClient, url]);
  return open;
}
