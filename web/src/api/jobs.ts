/** Query hooks of the jobs router; live changes arrive through src/api/events.ts. */
import {
  keepPreviousData,
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { ApiError, client, unwrap, type Schemas } from "src/api/client";

export type Job = Schemas["JobRead"];
export type JobEstimate = Schemas["JobEstimate"];
/** A priced request, or the API's reasons (422) why it would be refused. */
export type EstimateResult = { estimate: JobEstimate; invalid?: undefined } | { estimate?: undefined; invalid: ApiError };
export type JobFilters = Schemas["JobFilters"];
/** Which jobs a batch action is about: ids, or all matching a filter. */
export type JobSelection = Schemas["JobSelection"];
export type BatchAction = "cancel" | "retry" | "delete";

export const jobsKey = ["jobs"] as const;
export const ACTIVE_STATUSES = ["pending", "submitting", "processing"];

export function useJobs(filters: JobFilters = {}) {
  return useInfiniteQuery({
    queryKey: [...jobsKey, "list", filters],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(
        client.GET("/api/v1/jobs", {
          params: { query: { ...filters, cursor: pageParam, limit: 50 } },
        }),
      ),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useJob(id: number) {
  return useQuery({
    queryKey: [...jobsKey, "detail", id],
    queryFn: () => unwrap(client.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: id } } })),
    enabled: id > 0,
  });
}

/** A job's state can change with no event at all (a worker that died between its commit
 * and its event): while jobs are active, the counts are also read again every this often. */
export const STATS_REFRESH_MS = 30_000;

export function useJobStats() {
  return useQuery({
    queryKey: [...jobsKey, "stats"],
    queryFn: () => unwrap(client.GET("/api/v1/jobs/stats")),
    refetchInterval: ({ state }) =>
      ACTIVE_STATUSES.some((status) => state.data?.by_status[status]) ? STATS_REFRESH_MS : false,
  });
}

/**
 * The live price of a job request (a JSON string of POST /jobs's body, so equal requests
 * share one cache entry). A refusal is a result too, so the last answer stays on screen
 * while the next one is on its way.
 */
export function useJobEstimate(body: string | null) {
  return useQuery({
    // Not under jobsKey: job events must not re-price the form.
    queryKey: ["job-estimate", body],
    queryFn: async ({ signal }): Promise<EstimateResult> => {
      try {
        const request = JSON.parse(body ?? "{}") as Schemas["JobCreate"];
        return { estimate: await unwrap(client.POST("/api/v1/jobs/estimate", { body: request, signal })) };
      } catch (e) {
        if (e instanceof ApiError && e.status === 422) return { invalid: e };
        throw e;
      }
    },
    enabled: body !== null,
    staleTime: 60_000,
    retry: false,
    placeholderData: keepPreviousData,
  });
}

function useJobMutation<T, R>(call: (arg: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: jobsKey }),
  });
}

/** Several jobs at once, all or none; a refusal names the job by its place (`jobs.2.params.prompt`). */
export const useCreateJobs = () =>
  useJobMutation(async (jobs: Schemas["JobCreate"][]) =>
    (await unwrap(client.POST("/api/v1/jobs/batch", { body: { jobs } }))).jobs,
  );

export const useCancelJob = () =>
  useJobMutation((id: number) =>
    unwrap(client.POST("/api/v1/jobs/{job_id}/cancel", { params: { path: { job_id: id } } })),
  );

export const useRetryJob = () =>
  useJobMutation((id: number) =>
    unwrap(client.POST("/api/v1/jobs/{job_id}/retry", { params: { path: { job_id: id } } })),
  );

export const useSetPriority = () =>
  useJobMutation(({ id, priority }: { id: number; priority: number }) =>
    unwrap(
      client.PATCH("/api/v1/jobs/{job_id}", {
        params: { path: { job_id: id } },
        body: { priority },
      }),
    ),
  );

export const usePauseQueue = () =>
  useJobMutation((paused: boolean) =>
    unwrap(client.POST(paused ? "/api/v1/jobs/pause" : "/api/v1/jobs/resume")),
  );

function batch(action: BatchAction, body: JobSelection) {
  switch (action) {
    case "cancel":
      return client.POST("/api/v1/jobs/batch/cancel", { body });
    case "retry":
      return client.POST("/api/v1/jobs/batch/retry", { body });
    case "delete":
      return client.POST("/api/v1/jobs/batch/delete", { body });
  }
}

/** One request for many jobs, all or none (a 409 names those the action cannot apply to). */
export const useJobBatch = () =>
  useJobMutation(async ({ action, selection }: { action: BatchAction; selection: JobSelection }) =>
    (await unwrap(batch(action, selection))).ids,
  );

export const useJobsPriority = () =>
  useJobMutation(async (body: Schemas["JobBatchPriority"]) =>
    (await unwrap(client.POST("/api/v1/jobs/batch/priority", { body }))).ids,
  );

export const useMoveJobs = () =>
  useJobMutation(async (body: Schemas["JobBatchMove"]) =>
    (await unwrap(client.POST("/api/v1/jobs/batch/move", { body }))).ids,
  );
