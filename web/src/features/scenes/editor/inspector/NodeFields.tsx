/** The fields of the node types other than video (small enough to sit together). */
import { useScene, useScenes } from "src/api/scenes";
import { type SceneDoc, updateEdge } from "src/features/scenes/editor/doc";
import { useEditing } from "src/features/scenes/editor/inspector/edit";
import { ExprMap } from "src/features/scenes/editor/inspector/ExprMap";
import { GameFields } from "src/features/scenes/editor/inspector/GameFields";
import { Check, FlagField, NameField, NumberField, Section, SelectField, TextField } from "src/features/scenes/editor/inspector/inputs";
import { ValueField } from "src/features/scenes/editor/inspector/ValueField";
import { FLAG_PATTERN, ID_PATTERN } from "src/features/scenes/editor/doc";
import type {
  ChoiceNode,
  ConditionNode,
  EndNode,
  MiniGameNode,
  ReturnNode,
  SceneCallNode,
  SceneNode,
} from "src/features/scenes/engine/types";

type Patch<T extends SceneNode> = (fields: Partial<T>, key?: string) => void;

export function ChoiceFields({ doc, node, patch, onAddOption }: { doc: SceneDoc; node: ChoiceNode; patch: Patch<ChoiceNode>; onAddOption(): void }) {
  const { edit } = useEditing();
  const options = doc.edges.filter((e) => e.from === node.id);
  return (
    <>
      <TextField label="Prompt" value={node.prompt} nullable maxLength={500} onChange={(prompt) => patch({ prompt }, "prompt")} />
      <Check
        label="Timed: take the default option when time runs out"
        checked={node.timeout !== null}
        onChange={(on) => patch({ timeout: on ? { seconds: 10 } : null })}
      />
      {node.timeout && (
        <NumberField
          label="Seconds to choose"
          value={node.timeout.seconds}
          min={0.1}
          max={3600}
          onChange={(seconds) => seconds !== null && seconds > 0 && patch({ timeout: { seconds } }, "timeout")}
        />
      )}
      <Section title="Options">
        {options.length === 0 && <p className="muted">No option yet: connect this node to the nodes it leads to.</p>}
        <ol className="inspector-list">
          {options.map((edge) => (
            <li key={edge.id} className="inspector-item" aria-label={`Option ${edge.id}`}>
              <TextField
                label={`Option to ${edge.to}`}
                value={edge.label}
                nullable
                maxLength={200}
                onChange={(label) => edit((d) => updateEdge(d, edge.id, { label }), `edge:${edge.id}:label`)}
              />
              <label className="inline-field">
                <input
                  type="radio"
                  name={`default-${node.id}`}
                  checked={edge.is_default}
                  onChange={() =>
                    edit((d) => ({ ...d, edges: d.edges.map((e) => (e.from === node.id ? { ...e, is_default: e.id === edge.id } : e)) }))
                  }
                />
                default
              </label>
            </li>
          ))}
        </ol>
        <button type="button" onClick={onAddOption}>
          Add option
        </button>
      </Section>
    </>
  );
}

const CONDITION_OPS = [
  ["eq", "equals"],
  ["neq", "differs from"],
  ["gt", ">"],
  ["lt", "<"],
  ["gte", "≥"],
  ["lte", "≤"],
  ["includes", "list includes"],
] as const;

export function ConditionFields({ node, patch }: { node: ConditionNode; patch: Patch<ConditionNode> }) {
  return (
    <>
      <FlagField label="Flag" value={node.flag} onChange={(flag) => patch({ flag })} />
      <SelectField label="Test" value={node.op} options={CONDITION_OPS} onChange={(op) => patch({ op })} />
      <ValueField label="Value" value={node.value} onChange={(value) => patch({ value }, "value")} />
      <p className="muted">Leaves by its “true” or “false” way out.</p>
    </>
  );
}

export function MiniGameFields({ node, patch }: { node: MiniGameNode; patch: Patch<MiniGameNode> }) {
  return (
    <>
      <GameFields spec={{ game: node.game, config: node.config } as never} keyPrefix="game" onChange={(spec, key) => patch(spec as Partial<MiniGameNode>, key)} />
      <NameField
        label="Score into flag (optional)"
        value={node.score_flag ?? ""}
        list="scene-flag-names"
        accept={(v) => {
          if (v !== "" && !FLAG_PATTERN.test(v)) return false;
          patch({ score_flag: v || null });
          return true;
        }}
      />
      <p className="muted">Leaves by its “success” or “failure” way out.</p>
    </>
  );
}

const OUTCOMES = [
  ["success", "Success"],
  ["failure", "Failure"],
  ["neutral", "Neutral"],
] as const;

export function EndFields({ node, patch }: { node: EndNode; patch: Patch<EndNode> }) {
  return (
    <>
      <SelectField label="Outcome" value={node.outcome} options={OUTCOMES} onChange={(outcome) => patch({ outcome })} />
      <TextField label="Message" value={node.message} nullable multiline maxLength={2000} onChange={(message) => patch({ message }, "message")} />
    </>
  );
}

export function SceneCallFields({ node, patch, sceneId }: { node: SceneCallNode; patch: Patch<SceneCallNode>; sceneId: number }) {
  const scenes = useScenes(200);
  const callee = useScene(node.scene ?? 0);
  const items = scenes.data?.pages.flatMap((p) => p.items) ?? [];
  const params = callee.data ? Object.keys(callee.data.flags) : [];
  const returnNames = callee.data
    ? [...new Set(callee.data.nodes.flatMap((n) => (n.type === "return" ? Object.keys(n.values ?? {}) : [])))]
    : [];
  return (
    <>
      <label className="field">
        <span className="field-label">Scene to play</span>
        <select value={node.scene ?? ""} onChange={(e) => patch({ scene: e.target.value ? Number(e.target.value) : null, missing: false })}>
          <option value="">— choose a scene —</option>
          {items.map((s) => (
            <option key={s.id} value={s.id}>
              {s.title}
              {s.id === sceneId ? " (this scene)" : ""}
            </option>
          ))}
        </select>
      </label>
      {node.missing && <p className="error">The scene it called was deleted.</p>}
      <ExprMap title="Parameters in" nameLabel="Parameter" names={params} exprs={node.bindings} onChange={(bindings) => patch({ bindings })} />
      <ReturnsMap returns={node.returns} names={returnNames} onChange={(returns) => patch({ returns })} />
    </>
  );
}

function ReturnsMap({ returns, names, onChange }: { returns: Record<string, string>; names: string[]; onChange(r: Record<string, string>): void }) {
  const entries = Object.entries(returns);
  return (
    <fieldset className="inspector-list">
      <legend>Returned values into flags</legend>
      {entries.map(([flag, value], i) => (
        <div key={i} className="inspector-item">
          <FlagField
            label="Flag"
            value={flag}
            onChange={(to) => !(to in returns) && onChange(Object.fromEntries(entries.map(([k, v]) => [k === flag ? to : k, v])))}
          />
          <NameField
            label="Returned value"
            value={value}
            list={names.length ? "return-value-names" : undefined}
            accept={(v) => {
              if (!FLAG_PATTERN.test(v)) return false;
              onChange({ ...returns, [flag]: v });
              return true;
            }}
          />
          <button type="button" className="link" onClick={() => onChange(Object.fromEntries(entries.filter(([k]) => k !== flag)))}>
            Remove
          </button>
        </div>
      ))}
      <datalist id="return-value-names">
        {names.map((n) => (
          <option key={n} value={n} />
        ))}
      </datalist>
      <button
        type="button"
        onClick={() => {
          let i = 1;
          while (`flag${i}` in returns) i++;
          onChange({ ...returns, [`flag${i}`]: names[0] ?? "value" });
        }}
      >
        Add
      </button>
    </fieldset>
  );
}

export function ReturnFields({ node, patch }: { node: ReturnNode; patch: Patch<ReturnNode> }) {
  return (
    <>
      <NameField
        label="Port (the caller's way out; empty: its plain one)"
        value={node.port ?? ""}
        accept={(v) => {
          if (v !== "" && !ID_PATTERN.test(v)) return false;
          patch({ port: v || null });
          return true;
        }}
      />
      <ExprMap title="Values returned" nameLabel="Name" exprs={node.values} onChange={(values) => patch({ values })} />
    </>
  );
}
