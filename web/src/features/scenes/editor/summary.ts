/** Short forms of what nodes and edges do, for the canvas: "gold ≥ 10", "torch := true". */
import type { Condition, Effect, Edge, SceneNode, Value } from "src/features/scenes/engine/types";

export function valueText(value: Value): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return `[${value.map(valueText).join(", ")}]`;
  if (typeof value === "string") return JSON.stringify(value.length > 20 ? `${value.slice(0, 19)}…` : value);
  return String(value);
}

const CONDITION_OPS: Record<Condition["op"], string> = {
  eq: "=",
  neq: "≠",
  gt: ">",
  lt: "<",
  gte: "≥",
  lte: "≤",
  includes: "∋",
};

export const conditionText = (c: Condition) => `${c.flag} ${CONDITION_OPS[c.op]} ${valueText(c.value)}`;

export function effectText(e: Effect): string {
  switch (e.op) {
    case "set":
      return `${e.flag} := ${valueText(e.value)}`;
    case "inc":
      return `${e.flag} +${e.value ?? 1}`;
    case "dec":
      return `${e.flag} −${e.value ?? 1}`;
    case "push":
      return `${e.flag} ⊕ ${valueText(e.value)}`;
    case "toggle":
      return `toggle ${e.flag}`;
  }
}

/** The edge's label line and its logic line (conditions, effects), each empty when none. */
export function edgeText(edge: Edge): { label: string; logic: string } {
  const head = [edge.port && `[${edge.port}]`, edge.label, edge.is_default && "(default)"].filter(Boolean).join(" ");
  const logic = [
    edge.conditions.length ? `if ${edge.conditions.map(conditionText).join(" & ")}` : "",
    edge.effects.map(effectText).join(", "),
  ]
    .filter(Boolean)
    .join(" → ");
  return { label: head, logic };
}

/** One line saying what the node does, under its name on the canvas. */
export function nodeText(node: SceneNode): string {
  switch (node.type) {
    case "video": {
      const n = node.media.length;
      const playback = node.playback.mode === "normal" ? "" : ` · ${node.playback.mode}`;
      return `${n} clip${n === 1 ? "" : "s"} · ${node.selection.mode}${playback}`;
    }
    case "choice":
      return [node.prompt ?? "", node.timeout ? `${node.timeout.seconds} s` : ""].filter(Boolean).join(" · ");
    case "condition":
      return conditionText(node);
    case "mini_game":
      return node.game;
    case "end":
      return node.message ? `${node.outcome}: ${node.message}` : node.outcome;
    case "scene_call":
      return node.scene === null ? "no scene chosen" : `scene ${node.scene}`;
    case "return":
      return node.port ? `port ${node.port}` : "";
  }
}
