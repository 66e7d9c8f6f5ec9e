/**
 * Following the user's jobs: the toolbar badge counts their unfinished jobs (queued or
 * running), and a job started from the extension ends in a notification whose click opens
 * its asset (or the job, when it failed).
 *
 * The service worker is suspended when idle, so nothing here relies on staying alive: a
 * chrome.alarms tick (every 30 s) and every wake-up refetch the counts (one request) and,
 * while some extension job is unfinished, the newest jobs (one more); the server's event
 * stream, opened on each wake-up while there is something to follow, makes it prompt. An
 * `events.lost` frame, or a dropped stream, means a refetch.
 */

import { call, connection } from "src/background/api";
import { notify } from "src/background/notify";
import { readFrames } from "src/background/sse";
import { store } from "src/background/storage";
import type { Job, JobStats, Page } from "src/common/types";

export const ALARM = "pixsim7.refresh";
const UNFINISHED = ["pending", "submitting", "processing"];
const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const RECENT = 100;

let stream: AbortController | null = null;
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

export function badgeText(stats: JobStats): string {
  const count = UNFINISHED.reduce((sum, status) => sum + (stats.by_status[status] ?? 0), 0);
  return count > 0 ? String(Math.min(count, 999)) : "";
}

export async function refreshBadge(): Promise<void> {
  const stats = await call<JobStats>("GET", "/jobs/stats");
  await chrome.action.setBadgeBackgroundColor({ color: "#4f46e5" });
  await chrome.action.setBadgeText({ text: badgeText(stats) });
}

/** Start following a job created from the extension. */
export async function track(jobId: number): Promise<void> {
  const ids = await store.tracked();
  if (!ids.includes(jobId)) await store.setTracked([...ids, jobId]);
  await refreshBadge();
  ensureStream();
}

/** Notify and forget the tracked jobs that have ended. */
export async function settle(jobs: readonly Job[]): Promise<void> {
  const tracked = await store.tracked();
  const ended = jobs.filter((job) => tracked.includes(job.id) && TERMINAL.has(job.status));
  if (!ended.length) return;
  const endedIds = new Set(ended.map((job) => job.id));
  await store.setTracked(tracked.filter((id) => !endedIds.has(id)));
  for (const job of ended) await notifyEnd(job);
}

export function endMessage(job: Job): { title: string; message: string } {
  if (job.status === "completed") return { title: "Video ready", message: `Job #${job.id} completed` };
  if (job.status === "cancelled") return { title: "Job cancelled", message: `Job #${job.id} was cancelled` };
  return { title: "Job failed", message: `Job #${job.id}: ${job.error_message ?? "failed"}` };
}

async function notifyEnd(job: Job): Promise<void> {
  const { title, message } = endMessage(job);
  const target = job.status === "completed" && job.asset_id ? { kind: "asset" as const, id: job.asset_id } : { kind: "job" as const, id: job.id };
  await notify(target, title, message);
}

/** Everything the badge and the tracked jobs need, in at most two requests. */
export async function refresh(): Promise<void> {
  if (!(await store.connection())) return;
  await refreshBadge();
  const tracked = await store.tracked();
  if (!tracked.length) return;
  const page = await call<Page<Job>>("GET", `/jobs?limit=${RECENT}`);
  await settle(page.items);
  // Tracked jobs older than the newest page are no longer followed.
  const seen = new Set(page.items.map((job) => job.id));
  const oldest = Math.min(...page.items.map((job) => job.id));
  if (page.next_cursor) await store.setTracked((await store.tracked()).filter((id) => seen.has(id) || id > oldest));
}

function refreshSoon(): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => void refresh().catch(() => undefined), 500);
}

/** Open the event stream if there is none (on each wake-up and after each new job). */
export function ensureStream(): void {
  if (stream) return;
  const controller = new AbortController();
  stream = controller;
  void follow(controller).finally(() => {
    if (stream === controller) stream = null;
  });
}

export function closeStream(): void {
  stream?.abort();
  stream = null;
}

async function follow(controller: AbortController): Promise<void> {
  try {
    const conn = await connection();
    const response = await fetch(`${conn.server}/api/v1/events`, {
      headers: { Authorization: `Bearer ${conn.token}`, Accept: "text/event-stream" },
      signal: controller.signal,
      credentials: "omit",
    });
    if (!response.ok || !response.body) return;
    await refresh(); // what happened while no stream was open
    for await (const frame of readFrames(response.body)) {
      const event = JSON.parse(frame.data) as { type: string; data: Partial<Job> };
      if (event.type === "events.lost") refreshSoon();
      else if (event.type.startsWith("job.")) {
        refreshSoon();
        if (typeof event.data.id === "number" && typeof event.data.status === "string") await settle([event.data as Job]);
      }
    }
  } catch {
    // dropped or not connected: the next alarm or wake-up opens it again
  }
}

export function installJobFollowing(): void {
  void chrome.alarms.create(ALARM, { periodInMinutes: 0.5 });
  chrome.alarms.onAlarm.addListener((alarm) => {
    if (alarm.name !== ALARM) return;
    void refresh().catch(() => undefined);
    ensureStream();
  });
}
