/** The queue's filters as URL search params (kept over reload, shareable as a link). */
import type { JobFilters } from "src/api/jobs";

export const JOB_FILTER_KEYS = ["status", "provider_id", "operation_type", "q"] as const;
export type JobFilterKey = (typeof JOB_FILTER_KEYS)[number];

export function readJobFilters(params: URLSearchParams): JobFilters {
  const filters: JobFilters = {};
  for (const key of JOB_FILTER_KEYS) {
    const value = params.get(key)?.trim();
    if (value) filters[key] = value;
  }
  return filters;
}

export function withJobFilter(params: URLSearchParams, key: JobFilterKey, value: string): URLSearchParams {
  const next = new URLSearchParams(params);
  if (value) next.set(key, value);
  else next.delete(key);
  return next;
}

export function withoutJobFilters(params: URLSearchParams): URLSearchParams {
  const next = new URLSearchParams(params);
  for (const key of JOB_FILTER_KEYS) next.delete(key);
  return next;
}
