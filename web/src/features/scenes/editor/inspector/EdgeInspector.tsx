import { ID_PATTERN, portsOf, removeItems, type SceneDoc, updateEdge } from "src/features/scenes/editor/doc";
import { useEditing } from "src/features/scenes/editor/inspector/edit";
import { ConditionList, EffectList } from "src/features/scenes/editor/inspector/EdgeLists";
import { Check, NameField, Section, SelectField, TextField } from "src/features/scenes/editor/inspector/inputs";
import type { Edge } from "src/features/scenes/engine/types";

/** An edge: its way out of the source, label, default, conditions and effects. */
export function EdgeInspector({ doc, edge }: { doc: SceneDoc; edge: Edge }) {
  const { edit } = useEditing();
  const set = (patch: Partial<Edge>, key?: string) => edit((d) => updateEdge(d, edge.id, patch), key && `edge:${edge.id}:${key}`);
  const source = doc.nodes.find((n) => n.id === edge.from);
  const ports = source ? portsOf(source) : [];
  return (
    <Section
      title={`Edge ${edge.id}`}
      actions={
        <button type="button" className="danger" onClick={() => edit((d) => removeItems(d, [], [edge.id]))}>
          Delete edge
        </button>
      }
    >
      <p className="muted">
        {edge.from} → {edge.to}
      </p>
      {source?.type === "scene_call" ? (
        <NameField
          label="Return port (empty: any return)"
          value={edge.port ?? ""}
          accept={(v) => {
            if (v !== "" && !ID_PATTERN.test(v)) return false;
            set({ port: v || null });
            return true;
          }}
        />
      ) : (
        ports.length > 1 && (
          <SelectField
            label="Way out"
            value={edge.port ?? ""}
            options={ports.map((p) => [p ?? "", p ?? "—"] as const)}
            onChange={(port) => set({ port: port || null })}
          />
        )
      )}
      <TextField label="Label (the option's text at a choice)" value={edge.label} nullable maxLength={200} onChange={(label) => set({ label }, "label")} />
      <Check label="Default (taken on timeout, or when nothing else is open)" checked={edge.is_default} onChange={(is_default) => set({ is_default })} />
      <ConditionList items={edge.conditions} keyPrefix={`edge:${edge.id}:c`} onChange={(conditions, key) => set({ conditions }, key)} />
      <EffectList items={edge.effects} keyPrefix={`edge:${edge.id}:e`} onChange={(effects, key) => set({ effects }, key)} />
    </Section>
  );
}
