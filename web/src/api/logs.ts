/** Query hooks of the logs router (stored log lines, a job's stages, the live tail). */
import { useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { client, unwrap, type Schemas } from "src/api/client";

export type LogLine = Schemas["LogRead"];
export type LogFacets = Schemas["Facets"];
export type Stage = Schemas["StageRead"];
/** The filters of GET /logs, as strings (they live in the page's URL). */
export type LogFilters = Partial<Record<(typeof LOG_FILTERS)[number], string>>;

export const LOG_FILTERS = [
  "level",
  "logger",
  "q",
  "request_id",
  "job_id",
  "user_id",
  "account_id",
  "provider",
  "stage",
  "error_class",
  "process",
] as const;

export const logsKey = ["logs"] as const;
const TIMELINE_REFRESH_MS = 2_000;

function query(filters: LogFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(filters).filter(([, v]) => v)) as Record<string, string>;
}

export function useLogs(filters: LogFilters) {
  return useInfiniteQuery({
    queryKey: [...logsKey, "list", filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET("/api/v1/logs", {
          // (typed loosely: the filters are the URL's strings, checked by the API)
          params: { query: { ...query(filters), cursor: pageParam, limit: 100 } as never },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

/** A job's stages. Given the job, they are read again every few seconds while it moves,
 * and after it ended until its last stage is in (lines reach the database a second or two
 * after they are logged), for at most half a minute. */
export function useJobTimeline(jobId: number, job?: { status: string; updated_at: string; asset_id: number | null }) {
  return useQuery({
    refetchInterval: (q) =>
      job && following(job, q.state.data?.stages ?? [], q.state.dataUpdatedAt) ? TIMELINE_REFRESH_MS : false,
    queryKey: [...logsKey, "timeline", jobId],
    queryFn: () =>
      unwrap(
        client.GET("/api/v1/logs/jobs/{job_id}/timeline", { params: { path: { job_id: jobId } } }),
      ),
    enabled: jobId > 0,
  });
}

const TAIL_MAX = 500;

type TailState = { key: string; lines: LogLine[]; waiting: LogLine[]; paused: boolean };

const MOVING = ["pending", "submitting", "processing"];
const FOLLOW_AFTER_END_MS = 30_000;

export function following(
  job: { status: string; updated_at: string; asset_id: number | null },
  stages: { stage: string | null }[],
  fetchedAt: number,
): boolean {
  if (MOVING.includes(job.status)) return true;
  const last = job.status === "completed" && job.asset_id ? "ingested" : job.status;
  if (stages.some((s) => s.stage === last)) return false;
  return fetchedAt < Date.parse(job.updated_at) + FOLLOW_AFTER_END_MS;
}

/** New matching lines as they are stored (newest first), while `on`. Paused, the stream
 * stays open and new lines wait (counted) until resumed, so none is missed. */
export function useLogTail(filters: LogFilters, on: boolean) {
  const key = new URLSearchParams(query(filters)).toString();
  const [got, setGot] = useState<TailState>({ key, lines: [], waiting: [], paused: false });
  useEffect(() => {
    if (!on) return;
    const stream = new EventSource(`/api/v1/logs/stream?${key}`);
    stream.addEventListener("log", (event) => {
      const line = JSON.parse((event as MessageEvent<string>).data) as LogLine;
      setGot((old) => {
        const now = old.key === key ? old : { ...old, key, lines: [], waiting: [] };
        return now.paused
          ? { ...now, waiting: [line, ...now.waiting].slice(0, TAIL_MAX) }
          : { ...now, lines: [line, ...now.lines].slice(0, TAIL_MAX) };
      });
    });
    return () => stream.close();
  }, [key, on]);
  const current = got.key === key;
  return {
    lines: current ? got.lines : [],
    waiting: current ? got.waiting.length : 0,
    paused: got.paused,
    pause: () => setGot((old) => ({ ...old, paused: true })),
    resume: () =>
      setGot((old) => ({
        ...old,
        paused: false,
        lines: [...old.waiting, ...old.lines].slice(0, TAIL_MAX),
        waiting: [],
      })),
  };
}
