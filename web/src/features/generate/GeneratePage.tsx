import { useCallback, useState } from "react";
import { Link } from "react-router";
import { type Asset, useAsset, useAssetsById } from "src/api/assets";
import { useJob } from "src/api/jobs";
import { useProviders } from "src/api/providers";
import { useWorkspaces } from "src/api/workspaces";
import { useBoard } from "src/common/board";
import { EmptyState } from "src/common/EmptyState";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import { Loading } from "src/common/Loading";
import { operationFor } from "src/features/generate/carry";
import { clearDraft, type Draft, draftAssetIds, draftFromJob, loadDraft, saveDraft } from "src/features/generate/draft";
import { type FormState, GenerateForm } from "src/features/generate/GenerateForm";
import { ProviderSelect } from "src/features/generate/ProviderSelect";
import type { Inputs } from "src/features/generate/request";
import { useUrlParams } from "src/common/useUrlParams";

/** Where the page starts: a job to reuse (`?reuse=<job id>`), an asset to use as input
 * (`?input=<asset id>`), or the draft kept from the last visit. */
interface Seed {
  key: string;
  draft: Draft;
  /** What the reused job had that the form cannot hold. */
  skipped: string[];
  from: string;
}

function byRole(draft: Draft, assets: Map<number, Asset>): { inputs: Inputs; missing: number } {
  const inputs: Inputs = {};
  let missing = 0;
  for (const [role, ids] of Object.entries(draft.inputs)) {
    for (const id of ids) {
      const asset = assets.get(id);
      if (asset) (inputs[role] ??= []).push(asset);
      else missing += 1;
    }
  }
  return { inputs, missing };
}

/** Provider → operation → a form drawn from the operation's spec; what is on the form is
 * kept as a draft across reloads. */
export default function GeneratePage() {
  const providers = useProviders();
  const board = useBoard();
  const workspaces = useWorkspaces();
  const [params, setParams] = useUrlParams();
  const reuseId = Number(params.get("reuse") ?? 0);
  const inputId = Number(params.get("input") ?? 0);
  const seedAsset = useAsset(inputId).data;
  const reused = useJob(reuseId);
  const [saved, setSaved] = useState(() => (reuseId || inputId ? null : loadDraft()));
  const candidate: Seed | null = reused.data
    ? { key: `job-${reused.data.id}`, ...draftFromJob(reused.data), from: `job #${reused.data.id}` }
    : saved && !reuseId
      ? { key: "draft", draft: saved, skipped: [], from: "" }
      : null;
  const loaded = useAssetsById(candidate ? draftAssetIds(candidate.draft) : []);

  const [seed, setSeed] = useState<{ seed: Seed; inputs: Inputs; missing: number }>();
  const [providerId, setProviderId] = useState("");
  const [operationType, setOperationType] = useState("");
  // The inputs chosen so far, carried from one operation to the next ("Use as input" first).
  const [chosen, setChosen] = useState<Asset[]>();
  if (candidate && !loaded.pending && seed?.seed.key !== candidate.key) {
    // The draft or the reused job has arrived with its inputs: the form starts from it.
    const { inputs, missing } = byRole(candidate.draft, loaded.assets);
    setSeed({ seed: candidate, inputs, missing });
    setProviderId(candidate.draft.providerId);
    setOperationType(candidate.draft.operationType);
    setChosen(Object.values(inputs).flat());
    if (reuseId) {
      // Reused once: from now on the page keeps its own draft (a reload must not undo edits).
      setParams(
        (current) => {
          const next = new URLSearchParams(current);
          next.delete("reuse");
          return next;
        },
        { replace: true },
      );
    }
  }
  const carried = chosen ?? (seedAsset ? [seedAsset] : []);
  const keep = useCallback(
    (state: FormState, operationType: string) =>
      saveDraft({
        providerId,
        operationType,
        values: state.values,
        count: state.count,
        priority: state.priority,
        inputs: Object.fromEntries(Object.entries(state.inputs).map(([role, assets]) => [role, assets.map((a) => a.id)])),
      }),
    [providerId],
  );

  if (providers.isPending) return <Loading label="Loading providers…" />;
  if (providers.isError) return <ErrorMessage error={providers.error} />;
  if (providers.data.length === 0) return <EmptyState title="No providers are enabled">Ask an admin to enable one.</EmptyState>;
  if (reuseId && reused.isError) return <ErrorMessage error={reused.error} />;
  if ((candidate && !seed) || (reuseId && reused.isPending)) return <Loading label="Loading the draft…" />;

  const provider = providers.data.find((p) => p.id === providerId);
  const boardName = board ? (workspaces.data?.items.find((w) => w.id === board)?.name ?? `#${board}`) : null;
  const operation =
    provider?.operations.find((o) => o.type === operationType) ?? operationFor(provider?.operations ?? [], carried);
  const seeded = seed && seed.seed.draft.providerId === provider?.id && seed.seed.draft.operationType === operation?.type;
  const initial: FormState | undefined = seeded
    ? { values: seed.seed.draft.values, inputs: seed.inputs, count: seed.seed.draft.count, priority: seed.seed.draft.priority }
    : undefined;
  return (
    <div className="stack generate">
      <div className="spread">
        <h1>Generate</h1>
        {provider && (
          <button
            type="button"
            className="link"
            onClick={() => {
              clearDraft();
              setSaved(null);
              setSeed(undefined);
              setChosen([]);
              setProviderId("");
              setOperationType("");
            }}
          >
            Start over
          </button>
        )}
      </div>
      {seed?.seed.from && seeded && (
        <p className="notice" role="status">
          Filled from {seed.seed.from}: change what you like and generate again.
        </p>
      )}
      {seeded && (seed.seed.skipped.length > 0 || seed.missing > 0) && (
        <ul className="warning" aria-label="Not reused">
          {seed.seed.skipped.map((why) => (
            <li key={why}>Not reused: {why}</li>
          ))}
          {seed.missing > 0 && <li>{seed.missing} input(s) are no longer in the library.</li>}
        </ul>
      )}
      {boardName && (
        <p className="muted" role="note">
          New jobs go to the board <strong>{boardName}</strong>.
        </p>
      )}
      {seedAsset && !provider && (
        <p className="muted">
          {seedAsset.media_type} #{seedAsset.id} is ready to use as input: choose a provider.
        </p>
      )}
      <div className="grid-2">
        <ProviderSelect
          providers={providers.data}
          value={providerId}
          onChange={(id) => {
            setProviderId(id);
            setOperationType("");
          }}
        />
        {provider && (
          <Field label="Operation" help={operation?.help}>
            <select name="operation" value={operation?.type ?? ""} onChange={(e) => setOperationType(e.target.value)}>
              {provider.operations.map((op) => (
                <option key={op.type} value={op.type}>
                  {op.label}
                </option>
              ))}
            </select>
          </Field>
        )}
      </div>
      {provider?.ready === false && (
        <p className="warning" role="status">
          {provider.name} cannot run jobs yet: {provider.missing}. Jobs queued now wait until then.{" "}
          <Link to="/accounts">Accounts</Link>
        </p>
      )}
      {provider?.deprecation && <p className="error">{provider.deprecation}</p>}
      {provider && !operation && <EmptyState title={`${provider.name} offers no operations`} />}
      {provider && operation && (
        // Keyed: another operation is another form, with its own values and errors (and the
        // asset to use as input, which may arrive after the form opened).
        <GenerateForm
          key={`${provider.id}/${operation.type}/${seedAsset?.id ?? ""}/${seeded ? seed.seed.key : ""}`}
          providerId={provider.id}
          operation={operation}
          carried={carried}
          onCarry={setChosen}
          initial={initial}
          onChange={keep}
        />
      )}
    </div>
  );
}
