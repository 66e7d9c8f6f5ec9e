import { useState } from "react";
import { type Job, useCreateJob } from "src/api/jobs";
import type { JobRequest } from "src/features/generate/request";

/** Submit one job, or several: each of several gets the next seed, so they differ. */
export function useGenerate() {
  const create = useCreateJob();
  const [created, setCreated] = useState<Job[]>([]);
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
    const jobs: Job[] = [];
    try {
      for (let i = 0; i < count; i += 1) {
        const seeded = hasSeed && count > 1 ? { ...params, seed: Number(params.seed ?? 0) + i } : params;
        jobs.push(await create.mutateAsync({ ...request, params: seeded }));
        setCreated([...jobs]);
      }
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }

  return { submit, created, error, pending, submitted };
}
