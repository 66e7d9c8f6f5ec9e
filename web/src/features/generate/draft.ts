/**
 * What the Generate form holds, kept across reloads (localStorage) and made from a job for
 * "Reuse": provider, operation, the values of its fields, the inputs by slot, how many and
 * the priority. Inputs are kept as asset ids and loaded again when the draft is opened.
 */
import type { Job } from "src/api/jobs";
import type { FormValues } from "src/features/generate/paramValues";

export interface Draft {
  providerId: string;
  operationType: string;
  values: FormValues;
  /** Asset ids by the slot (role) they fill. */
  inputs: Record<string, number[]>;
  count: number;
  priority: number;
}

export const DRAFT_KEY = "pixsim7.generate.draft";

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** A draft read back, or null for none or one this version cannot read. */
export function parseDraft(raw: string | null): Draft | null {
  if (!raw) return null;
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!isRecord(data) || typeof data.providerId !== "string" || typeof data.operationType !== "string") return null;
  const values: FormValues = {};
  for (const [name, value] of Object.entries(isRecord(data.values) ? data.values : {})) {
    if (typeof value === "string" || typeof value === "boolean") values[name] = value;
  }
  const inputs: Record<string, number[]> = {};
  for (const [role, ids] of Object.entries(isRecord(data.inputs) ? data.inputs : {})) {
    if (Array.isArray(ids)) inputs[role] = ids.filter((id): id is number => Number.isInteger(id) && id > 0);
  }
  const count = Number.isInteger(data.count) && (data.count as number) >= 1 ? Math.min(data.count as number, 20) : 1;
  const priority = Number.isInteger(data.priority) ? (data.priority as number) : 0;
  return { providerId: data.providerId, operationType: data.operationType, values, inputs, count, priority };
}

export function loadDraft(storage: Storage = localStorage): Draft | null {
  return parseDraft(storage.getItem(DRAFT_KEY));
}

export function saveDraft(draft: Draft, storage: Storage = localStorage) {
  storage.setItem(DRAFT_KEY, JSON.stringify(draft));
}

export function clearDraft(storage: Storage = localStorage) {
  storage.removeItem(DRAFT_KEY);
}

/** A param's value as the form's text (lists comma-separated), or a checkbox's boolean. */
function formValue(value: unknown): string | boolean | undefined {
  if (typeof value === "boolean") return value;
  if (Array.isArray(value)) return value.map(String).join(", ");
  if (typeof value === "number" || typeof value === "string") return String(value);
  return undefined;
}

/** The draft that repeats a job: same provider, operation, parameters and inputs. Inputs
 * the form cannot show (a URL, another job's output) are named in `skipped`. */
export function draftFromJob(job: Pick<Job, "provider_id" | "operation_type" | "params" | "inputs" | "priority">): {
  draft: Draft;
  skipped: string[];
} {
  const values: FormValues = {};
  for (const [name, value] of Object.entries(job.params ?? {})) {
    const shown = formValue(value);
    if (shown !== undefined) values[name] = shown;
  }
  const inputs: Record<string, number[]> = {};
  const skipped: string[] = [];
  for (const input of job.inputs ?? []) {
    const role = String(input.role ?? "");
    // A URL or another job's output is an asset once the job was submitted.
    const asset = input.asset_id ?? input.resolved_asset_id;
    if (typeof asset === "number") (inputs[role] ??= []).push(asset);
    else if (typeof input.url === "string") skipped.push(`${role}: a URL not fetched yet (${input.url})`);
    else if (typeof input.job_id === "number") skipped.push(`${role}: the output of job #${input.job_id}, not made yet`);
  }
  return {
    draft: { providerId: job.provider_id, operationType: job.operation_type, values, inputs, count: 1, priority: job.priority },
    skipped,
  };
}

export const draftAssetIds = (draft: Draft): number[] => [...new Set(Object.values(draft.inputs).flat())];
