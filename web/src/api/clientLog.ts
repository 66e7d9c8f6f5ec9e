/**
 * The web app's own errors, posted to POST /api/v1/logs so that they are stored beside
 * the server's lines (process "web", under the signed-in user, on /logs): uncaught
 * errors and promise rejections, pages that failed to render, and API calls answered
 * with a 5xx (with the request id the server gave that call, to find its lines).
 *
 * Throttled here, before the server's own limit: the same message at most once a minute
 * (the next one sent says how often it repeated), at most PER_MINUTE lines a minute (the
 * next one sent says how many were dropped), sent in one batch every BATCH_MS. Nothing is
 * sent signed out, and a failure to post is not itself reported.
 */
import { ApiError, setServerErrorHandler, token } from "src/api/client";

export const PER_MINUTE = 10;
export const BATCH_MS = 2_000;
const MINUTE_MS = 60_000;
const MAX_SEEN = 200;

export type ClientLine = {
  level: "error" | "warning";
  logger: string;
  message: string;
  stack?: string;
  url?: string;
  context?: Record<string, string | number | boolean | null>;
};

type Send = (lines: ClientLine[]) => Promise<unknown>;

/** Posts the lines as the signed-in user, outside the API client (no loop through its
 * error handling), surviving the page being left. */
export const postLines: Send = (lines) =>
  fetch("/api/v1/logs", {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token.get() ?? ""}` },
    body: JSON.stringify({ lines }),
    keepalive: true,
  });

export function createReporter(send: Send = postLines, now: () => number = Date.now) {
  let queue: ClientLine[] = [];
  let timer: ReturnType<typeof setTimeout> | undefined;
  let windowStart = -Infinity;
  let taken = 0;
  let dropped = 0;
  const seen = new Map<string, { at: number; repeats: number }>();

  function flush() {
    timer = undefined;
    const lines = queue;
    queue = [];
    if (lines.length > 0) void send(lines).catch(() => {});
  }

  function report(line: ClientLine) {
    if (!token.get()) return;
    const t = now();
    const key = `${line.logger}\n${line.message}`;
    const last = seen.get(key);
    if (last && t - last.at < MINUTE_MS) {
      last.repeats += 1;
      return;
    }
    if (t - windowStart >= MINUTE_MS) {
      windowStart = t;
      taken = 0;
    }
    if (taken >= PER_MINUTE) {
      dropped += 1;
      return;
    }
    taken += 1;
    seen.delete(key);
    seen.set(key, { at: t, repeats: 0 });
    if (seen.size > MAX_SEEN) seen.delete(seen.keys().next().value as string);
    const context = { ...line.context };
    if (last?.repeats) context.repeated = last.repeats;
    if (dropped) context.dropped_before = dropped;
    dropped = 0;
    queue.push({
      ...line,
      message: line.message.slice(0, 1000) || "(no message)",
      stack: line.stack?.slice(0, 20_000),
      url: (line.url ?? globalThis.location?.href ?? "").slice(0, 2000) || undefined,
      context,
    });
    timer ??= setTimeout(flush, BATCH_MS);
  }

  return { report, flush };
}

export type Reporter = ReturnType<typeof createReporter>;

const about = (reason: unknown) =>
  reason instanceof Error ? { message: reason.message, stack: reason.stack } : { message: String(reason) };

/** Reports an error a page's error boundary caught. */
export function reportRenderError(error: unknown, reporter: Reporter = shared) {
  reporter.report({ level: "error", logger: "render", ...about(error) });
}

/** Listens for what the app did not handle, and for 5xx answers of the API. */
export function installErrorReporting(reporter: Reporter = shared) {
  window.addEventListener("error", (event) => {
    reporter.report({
      level: "error",
      logger: "window",
      message: event.message || "error",
      stack: event.error instanceof Error ? event.error.stack : undefined,
      context: { source: event.filename || null, line: event.lineno || null, column: event.colno || null },
    });
  });
  window.addEventListener("unhandledrejection", (event) => {
    // An API answer is reported as such (a 5xx) or is the user's to see (a 4xx).
    if (event.reason instanceof ApiError) return;
    reporter.report({ level: "error", logger: "promise", ...about(event.reason) });
  });
  setServerErrorHandler((method, url, status, requestId) => {
    const path = new URL(url, globalThis.location?.origin ?? "http://localhost").pathname;
    reporter.report({
      level: "error",
      logger: "api",
      message: `${method} ${path} answered ${status}`,
      context: { method, path, status, failed_request_id: requestId },
    });
  });
}

const shared = createReporter();
