import { useState } from "react";
import type { SceneDoc } from "src/features/scenes/editor/doc";
import { NodeOptions } from "src/features/scenes/editor/NodeOptions";

/** Finds a node by id or name and shows it. */
export function FindNode({ doc, onFound }: { doc: SceneDoc; onFound(id: string): void }) {
  const [text, setText] = useState("");
  const [missed, setMissed] = useState(false);
  // The suggestions only while typing here: a list of every node redrawn on each edit
  // would slow a large scene down.
  const [typing, setTyping] = useState(false);
  const find = () => {
    const wanted = text.trim().toLowerCase();
    if (!wanted) return;
    const node =
      doc.nodes.find((n) => n.id.toLowerCase() === wanted || n.label?.toLowerCase() === wanted) ??
      doc.nodes.find((n) => n.id.toLowerCase().includes(wanted) || n.label?.toLowerCase().includes(wanted));
    setMissed(!node);
    if (node) onFound(node.id);
  };
  return (
    <form
      className="find-node"
      role="search"
      onSubmit={(e) => {
        e.preventDefault();
        find();
      }}
    >
      <input
        type="search"
        list="scene-node-names"
        aria-label="Find a node"
        placeholder="Find a node"
        value={text}
        className={missed ? "field-invalid" : undefined}
        onFocus={() => setTyping(true)}
        onBlur={() => setTyping(false)}
        onChange={(e) => {
          setText(e.target.value);
          setMissed(false);
        }}
      />
      {typing && (
        <datalist id="scene-node-names">
          <NodeOptions nodes={doc.nodes} />
        </datalist>
      )}
      <button type="submit">Find</button>
      {missed && <span className="field-error">No such node</span>}
    </form>
  );
}
