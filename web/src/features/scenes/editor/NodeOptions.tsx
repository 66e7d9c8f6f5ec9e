import { memo } from "react";
import type { SceneNode } from "src/features/scenes/engine/types";

/** One <option> per node, redrawn only when ids or names change (not on every move). */
export const NodeOptions = memo(
  function NodeOptions({ nodes }: { nodes: readonly SceneNode[] }) {
    return nodes.map((n) => (
      <option key={n.id} value={n.id}>
        {n.label ? `${n.label} (${n.id})` : n.id}
      </option>
    ));
  },
  (a, b) => a.nodes.length === b.nodes.length && a.nodes.every((n, i) => n.id === b.nodes[i]?.id && n.label === b.nodes[i]?.label),
);
