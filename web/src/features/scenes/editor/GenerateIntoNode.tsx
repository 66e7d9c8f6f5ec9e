import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type Asset, takeFrame, useAsset } from "src/api/assets";
import { useProviders } from "src/api/providers";
import { createFills, type Fill, fillsKey } from "src/api/scenes";
import { ErrorMessage } from "src/common/ErrorMessage";
import { Field } from "src/common/Field";
import type { SceneDoc } from "src/features/scenes/editor/doc";
import { Section } from "src/features/scenes/editor/inspector/inputs";
import { emptyVideoNodes, nextClip, previousClip } from "src/features/scenes/editor/sources";
import { GenerateForm } from "src/features/generate/GenerateForm";
import { ProviderSelect } from "src/features/generate/ProviderSelect";
import type { JobRequest } from "src/features/generate/request";
import type { SendJobs } from "src/features/generate/useGenerate";

/** The operations whose inputs the graph can fill: a clip from the clips around the node. */
const OFFERED = ["video_extend", "image_to_video", "video_transition", "text_to_video"];

interface Props {
  sceneId: number;
  doc: SceneDoc;
  node: string;
  fills: Fill[];
}

/**
 * Generate a clip into this video node (or every empty one), with the Generate page's form
 * and estimate. The server keeps the link: the clip arrives in the node when its job
 * completes, whether or not this page is still open.
 */
export function GenerateIntoNode({ sceneId, doc, node, fills }: Props) {
  const providers = useProviders();
  const queryClient = useQueryClient();
  const [providerId, setProviderId] = useState("");
  const [operationType, setOperationType] = useState("");
  const [everyEmpty, setEveryEmpty] = useState(false);
  // The previous clip's last frame, taken on request (image_to_video carries on from it).
  const [still, setStill] = useState<{ from: number; asset: Asset } | null>(null);
  const [taking, setTaking] = useState<{ pending: boolean; error?: unknown }>({ pending: false });
  const before = useAsset(previousClip(doc, node) ?? 0).data;
  const after = useAsset(nextClip(doc, node) ?? 0).data;
  const others = emptyVideoNodes(doc).filter((id) => id !== node);
  const provider = providers.data?.find((p) => p.id === providerId);
  const operations = provider?.operations.filter((o) => OFFERED.includes(o.type)) ?? [];
  const operation = operations.find((o) => o.type === operationType) ?? operations[0];
  const frameOfBefore = still && before && still.from === before.id ? still.asset : undefined;
  // The clip before the node continues into it; a transition also takes the one after; an
  // image animates on from the last frame of the clip before, once taken.
  const around = { video_transition: [before, after], image_to_video: [frameOfBefore] }[operation?.type ?? ""] ?? [before];
  const carried = around.filter((a): a is Asset => a !== undefined);

  const startFromLastFrame = async () => {
    if (!before) return;
    setTaking({ pending: true });
    try {
      setStill({ from: before.id, asset: await takeFrame(before.id) });
      setTaking({ pending: false });
    } catch (error) {
      setTaking({ pending: false, error });
    }
  };

  /** The same job for another node: its own previous clip (or that clip's last frame) where
   * this one's was used. */
  const forNode = async (request: JobRequest, target: string): Promise<JobRequest> => {
    const mine = previousClip(doc, node);
    const theirs = previousClip(doc, target);
    if (mine === null || theirs === null) return request;
    const swap = new Map([[mine, theirs]]);
    if (frameOfBefore) swap.set(frameOfBefore.id, (await takeFrame(theirs)).id);
    return { ...request, inputs: (request.inputs ?? []).map((i) => (i.asset_id != null && swap.has(i.asset_id) ? { ...i, asset_id: swap.get(i.asset_id) } : i)) };
  };
  const send: SendJobs = async (requests) => {
    const targets = everyEmpty ? [node, ...others] : [node];
    const jobs = await Promise.all(
      targets.flatMap((target) => requests.map(async (job) => ({ node: target, job: target === node ? job : await forNode(job, target) }))),
    );
    const made = await createFills(sceneId, jobs);
    void queryClient.invalidateQueries({ queryKey: fillsKey(sceneId) });
    return made.map((fill) => ({ id: fill.job_id }));
  };

  const waiting = fills.filter((f) => f.state === "waiting");
  const failed = fills.find((f) => f.state === "failed" || f.state === "gone");
  return (
    <Section title="Generate a clip into this node">
      {waiting.length > 0 && (
        <p className="notice" role="status">
          {waiting.length} clip{waiting.length === 1 ? "" : "s"} being generated: {waiting.length === 1 ? "it goes" : "they go"} into this node when done.
        </p>
      )}
      {failed && waiting.length === 0 && (
        <p className="warning" role="status">
          The last generation did not arrive: {failed.message ?? failed.job_status}.
        </p>
      )}
      <ErrorMessage error={providers.error} />
      {providers.data && (
        <ProviderSelect
          providers={providers.data}
          value={providerId}
          onChange={(id) => {
            setProviderId(id);
            setOperationType("");
          }}
        />
      )}
      {provider && (
        <Field label="Operation" help={operation?.help}>
          <select value={operation?.type ?? ""} onChange={(e) => setOperationType(e.target.value)}>
            {operations.map((op) => (
              <option key={op.type} value={op.type}>
                {op.label}
              </option>
            ))}
          </select>
        </Field>
      )}
      {others.length > 0 && (
        <label className="inline-field">
          <input type="checkbox" checked={everyEmpty} onChange={(e) => setEveryEmpty(e.target.checked)} />
          Also into the {others.length} other empty video node{others.length === 1 ? "" : "s"} (one batch)
        </label>
      )}
      {operation?.type === "image_to_video" && before && !frameOfBefore && (
        <p className="row">
          <button type="button" disabled={taking.pending} onClick={() => void startFromLastFrame()}>
            {taking.pending ? "Taking the frame…" : "Start from the last frame of the clip before"}
          </button>
        </p>
      )}
      <ErrorMessage error={taking.error} />
      {provider && operation && (
        <GenerateForm
          key={`${provider.id}:${operation.type}:${carried.map((a) => a.id).join(",")}`}
          providerId={provider.id}
          operation={operation}
          carried={carried}
          onCarry={() => {}}
          send={send}
        />
      )}
    </Section>
  );
}
