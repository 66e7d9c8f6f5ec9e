import type { Frame, SceneDoc } from "src/features/scenes/editor/doc";
import { membersOf, removeFrames, updateFrame } from "src/features/scenes/editor/frames";
import { useEditing } from "src/features/scenes/editor/inspector/edit";
import { Section, TextField } from "src/features/scenes/editor/inspector/inputs";

interface Props {
  doc: SceneDoc;
  frame: Frame;
  onSelectNodes(ids: string[]): void;
}

/** A selected frame: its label, the nodes it holds, and its removal (the nodes stay). */
export function FrameInspector({ doc, frame, onSelectNodes }: Props) {
  const { edit } = useEditing();
  const members = membersOf(doc, frame);
  return (
    <Section title="Frame">
      <TextField label="Label" value={frame.label} maxLength={200} onChange={(label) => edit((d) => updateFrame(d, frame.id, { label: label ?? "" }), `frame:${frame.id}`)} />
      <p className="muted">
        Holds {members.length} {members.length === 1 ? "node" : "nodes"}: those lying wholly inside it move with it. Drag it by its title bar;
        resize it from its edges.
      </p>
      <div className="row">
        <button type="button" onClick={() => onSelectNodes(members)} disabled={members.length === 0}>
          Select its nodes
        </button>
        <button type="button" className="danger" onClick={() => edit((d) => removeFrames(d, [frame.id]))}>
          Remove the frame (keep its nodes)
        </button>
      </div>
    </Section>
  );
}
