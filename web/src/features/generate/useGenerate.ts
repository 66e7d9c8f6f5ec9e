import { useState } from "react";
import { ApiError } from "src/api/client";
import { type Job, useCreateJobs } from "src/api/jobs";
import type { JobRequest } from "src/features/generate/request";

/** A batch's refusal as the form's fields: the jobs differ only by seed, so what is wrong
 * with one (`jobs.1.params.prompt`) is wrong with the form (`params.prompt`). */
export function unnumbered(error: unknown): unknown {
  if (!(error instanceof ApiError)) return error;
  const fields = Object.fromEntries(
    Object.entries(error.fields).map(([name, message]) => [name.replace(/^jobs\.\d+\./, ""), message]),
  );
  return new ApiError(error.status, error.code, error.message, fields);
}

/** Where a form's jobs go: by default POST /jobs/batch; the scene editor sends them as
 * generations into a node. Resolves to the jobs queued. */
export type SendJobs = (requests: JobRequest[]) => Promise<{ id: number }[]>;

/** Submit one job, or several in one batch (all or none): each of several gets the next
 * seed, so they differ. */
export function useGenerate(send?: SendJobs) {
  const create = useCreateJobs();
  const [created, setCreated] = useState<Pick<Job, "id">[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  // What the error is about: once the form changes, the live estimate speaks instead.
  const [submitted, setSubmitted] = useState<string>("");

  async function submit(request: JobRequest, count: number, hasSeed: boolean) {
    setPending(true);
    setError(null);
    setCreated([]);
    setSubmitted(JSON.stringify(request));
    const params = request.params ?? {};
    const bodies = Array.from({ length: count }, (_, i) =>
      hasSeed && count > 1 ? { ...request, params: { ...params, seed: Number(params.seed ?? 0) + i } } : request,
    );
    try {
      setCreated(await (send ?? create.mutateAsync)(bodies));
    } catch (e) {
      setError(unnumbered(e));
    } finally {
      setPending(false);
    }
  }

  return { submit, created, error, pending, submitted };
}
