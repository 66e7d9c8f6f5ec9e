/**
 * The one place live server events reach the query cache.
 *
 * GET /api/v1/events is a Server-Sent Events stream of {"type", "data", "ts", "seq"} frames
 * (authenticated by the login cookie, since EventSource cannot send headers). Each event
 * type maps to one cache update (src/api/liveCache.ts). Events are hints; the server is
 * the truth: whenever the page may have missed one, everything it shows is refetched. That
 * is on every (re)connect, since nothing was heard while the stream was down, and at a gap
 * in the frames' numbering, by which the server says it lost events for this stream.
 */
import { type QueryClient, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { type Handler, patchEntity, refetch, refetchSoon } from "src/api/liveCache";
import { fillUpdated, sceneUpdated } from "src/api/scenes";

export { matches } from "src/api/liveCache";

const STATS = ["jobs", "stats"];

export const HANDLERS: Record<string, Handler> = {
  "job.created": refetch("jobs"),
  // A job that moves also moves the queue's counts, its account's credits and in-flight count.
  "job.updated": patchEntity("jobs", STATS, ["accounts"]),
  "job.deleted": refetch("jobs"),
  // Many jobs cancelled, retried, moved or deleted at once: their accounts' in-flight counts too.
  "job.batch": refetch("jobs", "accounts"),
  "queue.updated": refetch("jobs"),
  "asset.created": refetch("assets"),
  "asset.updated": patchEntity("assets"),
  "asset.deleted": refetch("assets"),
  // Into the trash or out of it: which lists hold it changes (the server filters those).
  "asset.trashed": refetch("assets"),
  "asset.restored": refetch("assets"),
  // One action on many (a gallery selection past the server's threshold, 100): one event
  // for them all, {action, ids, count}; the lists are refetched rather than patched.
  "asset.batch": refetch("assets"),
  // Whether a provider can run jobs now (its readiness) follows its accounts.
  "account.created": refetch("accounts", "providers"),
  "account.updated": patchEntity("accounts", ["providers"]),
  "account.deleted": refetch("accounts", "providers"),
  "scene.created": refetch("scenes"),
  // A scene saved elsewhere (another tab, a generated clip attached): an open editor merges it.
  "scene.updated": sceneUpdated,
  "scene.deleted": refetch("scenes"),
  "scene_fill.updated": fillUpdated,
  // A play saved (on any device): where it stands now; an open player compares versions.
  "play.updated": patchEntity("plays"),
  // An automation run moved (a step logged, started, ended): its log, and the devices' state.
  "execution.updated": (queryClient) =>
    refetchSoon(queryClient, ["automation", "executions"], ["automation", "devices"], ["automation", "loops"]),
  "execution.deleted": (queryClient) => refetchSoon(queryClient, ["automation", "executions"]),
  "loop.updated": (queryClient) => refetchSoon(queryClient, ["automation", "loops"]),
};

/** The frame the server sends after a gap in the numbering (it carries no event). */
const LOST = "events.lost";

type Frame = { data?: unknown; seq?: unknown };

function parse(raw: string): Frame | null {
  try {
    const frame: unknown = JSON.parse(raw); // {"type", "data", "ts", "seq"}
    return frame && typeof frame === "object" ? (frame as Frame) : null;
  } catch {
    return null;
  }
}

export function applyEvent(queryClient: QueryClient, type: string, raw: string) {
  const handler = HANDLERS[type];
  const data = handler && parse(raw)?.data;
  if (data && typeof data === "object") handler(queryClient, data as Record<string, unknown>);
}

/** Refetch everything the page shows (what is not shown is marked stale). */
export const resync = (queryClient: QueryClient) => void queryClient.invalidateQueries();

/** The browser's own retry covers a dropped connection; after an error answer it gives up
 * for good, and a new stream is opened after this delay, doubled up to RETRY_MAX_MS. */
export const RETRY_MS = 2_000;
const RETRY_MAX_MS = 30_000;

/**
 * Opens the stream and keeps it open until the returned function is called; `onOpen` hears
 * whether it is connected.
 */
export function connectLive(queryClient: QueryClient, url: string, onOpen: (open: boolean) => void): () => void {
  let source: EventSource | undefined;
  let next = 1; // the seq the next frame should carry
  let delay = RETRY_MS;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const receive = (type: string, raw: string) => {
    const seq = parse(raw)?.seq;
    if (typeof seq === "number") {
      if (seq !== next) resync(queryClient);
      next = seq + 1;
    }
    applyEvent(queryClient, type, raw);
  };
  const open = () => {
    const stream = new EventSource(url);
    source = stream;
    stream.onopen = () => {
      next = 1;
      delay = RETRY_MS;
      onOpen(true);
      resync(queryClient);
    };
    stream.onerror = () => {
      onOpen(false);
      if (stream.readyState !== EventSource.CLOSED) return;
      timer = setTimeout(open, delay);
      delay = Math.min(delay * 2, RETRY_MAX_MS);
    };
    for (const type of [...Object.keys(HANDLERS), LOST]) {
      stream.addEventListener(type, (event) => receive(type, (event as MessageEvent<string>).data));
    }
  };
  open();
  return () => {
    clearTimeout(timer);
    source?.close();
  };
}

/** Opens the stream while mounted; returns whether it is connected. */
export function useLiveEvents(url = "/api/v1/events"): boolean {
  const queryClient = useQueryClient();
  const [open, setOpen] = useState(false);
  useEffect(() => {
    if (typeof EventSource === "undefined") return;
    return connectLive(queryClient, url, setOpen);
  }, [queryClient, url]);
  return open;
}
