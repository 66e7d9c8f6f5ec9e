import { memo } from "react";
import { NODE_TYPE } from "src/features/scenes/editor/dnd";
import { NODE_TYPES, type NodeType, TYPE_NAMES } from "src/features/scenes/editor/doc";

/** Every node type: click to add one in the middle of the view, or drag it onto the canvas. */
export const Palette = memo(function Palette({ onAdd }: { onAdd(type: NodeType): void }) {
  return (
    <div className="palette" role="toolbar" aria-label="Add a node">
      {NODE_TYPES.map((type) => (
        <button
          key={type}
          type="button"
          draggable
          onDragStart={(e) => {
            e.dataTransfer.setData(NODE_TYPE, type);
            e.dataTransfer.effectAllowed = "copy";
          }}
          onClick={() => onAdd(type)}
          className={`palette-item palette-${type}`}
          aria-label={`Add ${TYPE_NAMES[type]}`}
        >
          {TYPE_NAMES[type]}
        </button>
      ))}
    </div>
  );
});
