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

/** Replace an entity inside every cached list and detail of its feature. */
const patchEntity =
  (feature: string, ...alsoInvalidate: string[]): Handler =>
  (queryClient, data) => {
    const id = data.id;
    if (typeof id !== "number") return invalidate(feature)(queryClient, data);
    queryClient.setQueriesData({ queryKey: [feature] }, (old: unknown) => patch(old, id, data));
    invalidate(...alsoInvalidate)(queryClient, data);
  };

function patch(old: unknown, id: number, data: Record<string, unknown>): unknown {
  if (!old || typeof old !== "object") return old;
  if ("pages" in old && Array.isArray(old.pages)) {
    return { ...old, pages: old.pages.map((page) => patch(page, id, data)) };
  }
  if ("items" in old && Array.isArray(old.items)) {
    return { ...old, items: old.items.map((item) => patch(item, id, data)) };
  }
  if (Array.isArray(old)) return old.map((item) => patch(item, id, data));
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
