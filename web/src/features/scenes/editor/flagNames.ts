/** Every flag name the scene uses anywhere, for the suggestions of flag fields. */
import type { SceneDoc } from "src/features/scenes/editor/doc";
import type { Expr } from "src/features/scenes/engine/types";

function fromExprs(exprs: Record<string, Expr>, into: Set<string>) {
  for (const expr of Object.values(exprs)) if ("flag" in expr) into.add(expr.flag);
}

export function flagNames(doc: SceneDoc): string[] {
  const names = new Set(Object.keys(doc.flags));
  for (const node of doc.nodes) {
    if (node.type === "condition") names.add(node.flag);
    else if (node.type === "mini_game" && node.score_flag) names.add(node.score_flag);
    else if (node.type === "scene_call") {
      fromExprs(node.bindings, names);
      for (const flag of Object.keys(node.returns)) names.add(flag);
    } else if (node.type === "return") fromExprs(node.values, names);
  }
  for (const edge of doc.edges) {
    for (const c of edge.conditions) names.add(c.flag);
    for (const e of edge.effects) names.add(e.flag);
  }
  return [...names].sort();
}
