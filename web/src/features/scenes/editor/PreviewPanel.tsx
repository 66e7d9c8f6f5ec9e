import { useMemo, useState } from "react";
import { previewBundle as fetchBundle } from "src/api/scenes";
import type { SceneDoc } from "src/features/scenes/editor/doc";
import { ValueField } from "src/features/scenes/editor/inspector/ValueField";
import { NodeOptions } from "src/features/scenes/editor/NodeOptions";
import { PreviewStore, playingNode, previewBundle, type PreviewStart } from "src/features/scenes/editor/previewStore";
import type { Flags } from "src/features/scenes/engine/types";
import { Player } from "src/features/scenes/player/Player";

interface Props {
  sceneId: number;
  title: string;
  doc: SceneDoc;
  /** The node to start from when asked from the canvas ("Preview from here"). */
  from: string | null;
  onFrom(node: string | null): void;
  /** Saves what is not saved yet; false when it could not be saved. */
  flush(): Promise<boolean>;
  onPlaying(node: string | null): void;
}

const sameOrigin = (path: string) => path;

/** Plays the scene as saved, from its start or from a node, with chosen starting flags,
 * in the same player as /play; the node being played is marked on the canvas. */
export function PreviewPanel({ sceneId, title, doc, from, onFrom, flush, onPlaying }: Props) {
  const [flags, setFlags] = useState<Flags>({});
  const [run, setRun] = useState<{ store: PreviewStore; key: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const declared = useMemo(() => Object.entries({ ...doc.flags, ...flags }), [doc.flags, flags]);

  async function start() {
    setLoading(true);
    setError(null);
    try {
      if (!(await flush())) throw new Error("The scene has changes that could not be saved: the preview plays what is saved.");
      const bundle = await fetchBundle(sceneId);
      const begin: PreviewStart = { node: from, flags };
      const store = new PreviewStore(previewBundle(bundle, begin), (state) => onPlaying(playingNode(state)));
      setRun((old) => ({ store, key: (old?.key ?? 0) + 1 }));
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    } finally {
      setLoading(false);
    }
  }

  return (
    <section className="preview-panel" aria-label="Preview">
      <label className="field">
        <span className="field-label">Start from</span>
        <select value={from ?? ""} onChange={(e) => onFrom(e.target.value || null)}>
          <option value="">the scene's start{doc.start ? ` (${doc.start})` : ""}</option>
          <NodeOptions nodes={doc.nodes} />
        </select>
      </label>
      {declared.length > 0 && (
        <fieldset className="inspector-list">
          <legend>Starting flags</legend>
          {declared.map(([name, value]) => (
            <ValueField key={name} label={name} value={value} onChange={(v) => setFlags((f) => ({ ...f, [name]: v }))} />
          ))}
        </fieldset>
      )}
      <div className="row">
        <button type="button" className="primary" onClick={() => void start()} disabled={loading}>
          {loading ? "Loading…" : run ? "Restart the preview" : "Start the preview"}
        </button>
        {run && (
          <button
            type="button"
            onClick={() => {
              setRun(null);
              onPlaying(null);
            }}
          >
            Stop
          </button>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {run && <Player key={run.key} title={title} store={run.store} mediaUrl={sameOrigin} />}
    </section>
  );
}
