import { useState } from "react";
import type { Asset } from "src/api/assets";
import { type Job, useCreateJob } from "src/api/jobs";
import type { Operation } from "src/api/providers";
import { type FormValues, toParams } from "src/features/generate/paramValues";

export interface Draft {
  providerId: string;
  operation: Operation;
  values: FormValues;
  inputs: Record<string, Asset[]>;
  count: number;
  priority: number;
}

/** Submit one job, or several: each of several gets the next seed, so they differ. */
export function useGenerate() {
  const create = useCreateJob();
  const [created, setCreated] = useState<Job[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);

  async function submit(draft: Draft) {
    setPending(true);
    setError(null);
    setCreated([]);
    const params = toParams(draft.operation, draft.values);
    const inputs = Object.entries(draft.inputs).flatMap(([role, assets]) =>
      assets.map((asset) => ({ role, asset_id: asset.id })),
    );
    const hasSeed = draft.operation.params.some((p) => p.name === "seed");
    const jobs: Job[] = [];
    try {
      for (let i = 0; i < draft.count; i += 1) {
        const seeded =
          hasSeed && draft.count > 1 ? { ...params, seed: Number(params.seed ?? 0) + i } : params;
        jobs.push(
          await create.mutateAsync({
            provider_id: draft.providerId,
            operation_type: draft.operation.type,
            params: seeded,
            inputs,
            priority: draft.priority,
          }),
        );
        setCreated([...jobs]);
      }
    } catch (e) {
      setError(e);
    } finally {
      setPending(false);
    }
  }

  return { submit, created, error, pending };
}
