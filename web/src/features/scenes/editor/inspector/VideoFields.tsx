import { GameFields } from "src/features/scenes/editor/inspector/GameFields";
import { NumberField, Section, SelectField, TextField } from "src/features/scenes/editor/inspector/inputs";
import type { Media, Playback, Selection, Step, VideoNode } from "src/features/scenes/engine/types";

type Patch = (fields: Partial<VideoNode>, key?: string) => void;

const tagList = (text: string | null) =>
  (text ?? "").split(",").map((t) => t.trim().slice(0, 64)).filter(Boolean).slice(0, 20);

/** A video node: its clips (segments of assets), how one is picked, how it plays. */
export function VideoFields({ node, patch }: { node: VideoNode; patch: Patch }) {
  const setMedia = (media: Media[], key?: string) => patch({ media }, key && `media:${key}`);
  const move = (i: number, by: number) => {
    const media = [...node.media];
    const [item] = media.splice(i, 1);
    media.splice(i + by, 0, item!);
    setMedia(media);
  };
  return (
    <>
      <Section title="Clips">
        {node.media.length === 0 && <p className="muted">No clip yet: drag one from the gallery onto the node, or generate one below.</p>}
        <ol className="media-list">
          {node.media.map((m, i) => (
            <li key={i} className="media-item" aria-label={`Clip ${i + 1}`}>
              {m.asset_id !== null && !m.missing ? (
                <img className="media-thumb" src={`/api/v1/assets/${m.asset_id}/thumbnail`} alt={`asset ${m.asset_id}`} />
              ) : (
                <span className="media-thumb error">missing</span>
              )}
              <div className="stack-tight">
                <span>asset {m.asset_id ?? "—"}</span>
                <div className="inspector-grid">
                  <NumberField label="From (s)" value={m.start} min={0} nullable onChange={(start) => setMedia(node.media.map((x, j) => (j === i ? { ...x, start } : x)), `${i}:start`)} />
                  <NumberField label="To (s)" value={m.end} min={0} nullable onChange={(end) => setMedia(node.media.map((x, j) => (j === i ? { ...x, end } : x)), `${i}:end`)} />
                </div>
                <TextField label="Tags" value={m.tags.join(", ")} onChange={(t) => setMedia(node.media.map((x, j) => (j === i ? { ...x, tags: tagList(t) } : x)), `${i}:tags`)} />
                <div className="row">
                  <button type="button" disabled={i === 0} onClick={() => move(i, -1)} aria-label={`Move clip ${i + 1} up`}>
                    ↑
                  </button>
                  <button type="button" disabled={i === node.media.length - 1} onClick={() => move(i, 1)} aria-label={`Move clip ${i + 1} down`}>
                    ↓
                  </button>
                  <button type="button" className="link" onClick={() => setMedia(node.media.filter((_, j) => j !== i))}>
                    Remove clip {i + 1}
                  </button>
                </div>
              </div>
            </li>
          ))}
        </ol>
      </Section>
      <SelectionFields selection={node.selection} onChange={(selection, key) => patch({ selection }, key)} />
      <PlaybackFields playback={node.playback} onChange={(playback, key) => patch({ playback }, key)} />
    </>
  );
}

const SELECTIONS = [
  ["ordered", "Every clip, in order"],
  ["random", "One clip at random"],
  ["pool", "Clips drawn by tags"],
] as const;

function SelectionFields({ selection, onChange }: { selection: Selection; onChange(s: Selection, key?: string): void }) {
  return (
    <Section title="Selection">
      <SelectField
        label="Which clips play"
        value={selection.mode}
        options={SELECTIONS}
        onChange={(mode) => onChange(mode === "pool" ? { mode, tags: [], count: 1 } : { mode })}
      />
      {selection.mode === "pool" && (
        <div className="inspector-grid">
          <TextField label="Tags (all must match)" value={selection.tags.join(", ")} onChange={(t) => onChange({ ...selection, tags: tagList(t) }, "pool:tags")} />
          <NumberField label="How many" value={selection.count} min={1} max={50} integer onChange={(count) => count !== null && onChange({ ...selection, count }, "pool:count")} />
        </div>
      )}
    </Section>
  );
}

const PLAYBACKS = [
  ["normal", "Play through, then go on"],
  ["loop", "Loop the last clip while the options show"],
  ["progression", "Steps within the first clip"],
] as const;

function PlaybackFields({ playback, onChange }: { playback: Playback; onChange(p: Playback, key?: string): void }) {
  const setMode = (mode: Playback["mode"]) =>
    onChange(
      mode === "loop"
        ? { mode, start: null, end: null }
        : mode === "progression"
          ? { mode, steps: [{ label: "Step 1", start: 0, end: 1, gate: null }] }
          : { mode },
    );
  return (
    <Section title="Playback">
      <SelectField label="How it plays" value={playback.mode} options={PLAYBACKS} onChange={setMode} />
      {playback.mode === "loop" && (
        <div className="inspector-grid">
          <NumberField label="Loop from (s)" value={playback.start} min={0} nullable onChange={(start) => onChange({ ...playback, start }, "loop:start")} />
          <NumberField label="Loop to (s)" value={playback.end} min={0} nullable onChange={(end) => onChange({ ...playback, end }, "loop:end")} />
        </div>
      )}
      {playback.mode === "progression" && <StepList steps={playback.steps} onChange={(steps, key) => onChange({ mode: "progression", steps }, key)} />}
    </Section>
  );
}

function StepList({ steps, onChange }: { steps: Step[]; onChange(s: Step[], key?: string): void }) {
  const set = (i: number, patch: Partial<Step>, key?: string) => onChange(steps.map((s, j) => (j === i ? { ...s, ...patch } : s)), key && `step:${i}:${key}`);
  return (
    <ol className="inspector-list">
      {steps.map((step, i) => (
        <li key={i} className="inspector-item" aria-label={`Step ${i + 1}`}>
          <TextField label="Step label" value={step.label} maxLength={200} onChange={(label) => label && set(i, { label }, "label")} />
          <div className="inspector-grid">
            <NumberField label="From (s)" value={step.start} min={0} onChange={(start) => start !== null && set(i, { start }, "start")} />
            <NumberField label="To (s)" value={step.end} min={0} onChange={(end) => end !== null && set(i, { end }, "end")} />
          </div>
          {i > 0 && (
            <label className="inline-field">
              <input
                type="checkbox"
                checked={step.gate !== null}
                onChange={(e) => set(i, { gate: e.target.checked ? { game: "reflex", config: { rounds: 1, min_delay_ms: 500, max_delay_ms: 1500, window_ms: 800, success_ratio: 1 } } : null })}
              />
              A mini-game must be won to enter this step
            </label>
          )}
          {step.gate && <GameFields spec={step.gate} keyPrefix={`step:${i}:gate`} onChange={(gate, key) => set(i, { gate }, key)} />}
          <button type="button" className="link" disabled={steps.length === 1} onClick={() => onChange(steps.filter((_, j) => j !== i))}>
            Remove step
          </button>
        </li>
      ))}
      <button
        type="button"
        disabled={steps.length >= 50}
        onClick={() => {
          const last = steps[steps.length - 1];
          const start = last ? last.end : 0;
          onChange([...steps, { label: `Step ${steps.length + 1}`, start, end: start + 1, gate: null }]);
        }}
      >
        Add step
      </button>
    </ol>
  );
}
