import { FLAG_PATTERN, type SceneDoc } from "src/features/scenes/editor/doc";
import { useEditing } from "src/features/scenes/editor/inspector/edit";
import { NameField, Section, TextField } from "src/features/scenes/editor/inspector/inputs";
import { ValueField } from "src/features/scenes/editor/inspector/ValueField";
import { NodeOptions } from "src/features/scenes/editor/NodeOptions";

interface Props {
  doc: SceneDoc;
  title: string;
  onTitle(title: string): void;
}

/** Nothing selected: the scene's title, start and declared flags (its parameters). */
export function SceneInspector({ doc, title, onTitle }: Props) {
  const { edit } = useEditing();
  const flags = Object.entries(doc.flags);
  const setFlags = (entries: [string, unknown][], key?: string) =>
    edit((d) => ({ ...d, flags: Object.fromEntries(entries) as SceneDoc["flags"] }), key);
  return (
    <Section title="Scene">
      <TextField label="Title" value={title} maxLength={200} onChange={(t) => onTitle(t ?? "")} />
      <label className="field">
        <span className="field-label">Start node</span>
        <select value={doc.start ?? ""} onChange={(e) => edit((d) => ({ ...d, start: e.target.value || null }))}>
          <option value="">— none —</option>
          <NodeOptions nodes={doc.nodes} />
        </select>
      </label>
      <fieldset className="inspector-list">
        <legend>Flags and their starting values (a sub-scene's parameters)</legend>
        {flags.map(([name, value], i) => (
          <div key={i} className="inspector-item" role="group" aria-label={`Flag ${name}`}>
            <NameField
              label="Flag"
              value={name}
              list="scene-flag-names"
              accept={(to) => {
                if (!FLAG_PATTERN.test(to) || (to !== name && to in doc.flags)) return false;
                setFlags(flags.map(([k, v]) => [k === name ? to : k, v]));
                return true;
              }}
            />
            <ValueField label="Starts as" value={value} onChange={(v) => setFlags(flags.map(([k, old]) => [k, k === name ? v : old]), `flag:${name}`)} />
            <button type="button" className="link" onClick={() => setFlags(flags.filter(([k]) => k !== name))}>
              Remove flag
            </button>
          </div>
        ))}
        <button
          type="button"
          disabled={flags.length >= 200}
          onClick={() => {
            let i = 1;
            while (`flag${i}` in doc.flags) i++;
            setFlags([...flags, [`flag${i}`, false]]);
          }}
        >
          Add flag
        </button>
      </fieldset>
      <p className="muted">
        {doc.nodes.length} nodes, {doc.edges.length} edges. Select a node or an edge to edit it.
      </p>
    </Section>
  );
}
