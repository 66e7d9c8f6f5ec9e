/**
 * Three-way merge of documents: what this editor changed since its last save (`base` →
 * `local`) and what was saved elsewhere meanwhile (`base` → `remote`), field by field of each
 * node, edge and frame. A clip generated into a node while its position is being dragged here
 * merges; the same field changed both ways is a conflict, left to the user.
 */
import type { SceneDoc } from "src/features/scenes/editor/doc";

type Item = { id: string };
type Loose = Record<string, unknown>;

export interface Merged {
  doc: SceneDoc | null;
  /** What both sides changed differently: "node fork", "edge e2", "start", "flag gold". */
  conflicts: string[];
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** One value: the side that changed it wins; both changing it alike is no conflict. */
function pick<T>(base: T, local: T, remote: T): { value: T; conflict: boolean } {
  if (same(local, base)) return { value: remote, conflict: false };
  if (same(remote, base) || same(local, remote)) return { value: local, conflict: false };
  return { value: local, conflict: true };
}

function mergeObject(base: Loose, local: Loose, remote: Loose): { value: Loose; conflict: boolean } {
  if (local === base) return { value: remote, conflict: false };
  if (remote === base) return { value: local, conflict: false };
  const value: Loose = {};
  let conflict = false;
  for (const key of new Set([...Object.keys(base), ...Object.keys(local), ...Object.keys(remote)])) {
    const merged = pick(base[key], local[key], remote[key]);
    conflict ||= merged.conflict;
    if (merged.value !== undefined) value[key] = merged.value;
  }
  // A type changed on one side takes that side's node whole (its fields are another set).
  if (local.type !== remote.type) return pick(base, local, remote) as { value: Loose; conflict: boolean };
  return { value, conflict };
}

function mergeList<T extends Item>(base: T[], local: T[], remote: T[], what: string, conflicts: string[]): T[] {
  const byId = (items: T[]) => new Map(items.map((i) => [i.id, i]));
  const [b, l, r] = [byId(base), byId(local), byId(remote)];
  const out: T[] = [];
  const visit = (id: string) => {
    const bi = b.get(id);
    const li = l.get(id);
    const ri = r.get(id);
    if (bi === undefined) {
      // Added on one side (or both: the same id made twice is a conflict unless alike).
      if (li && ri && !same(li, ri)) conflicts.push(`${what} ${id}`);
      const added = li ?? ri;
      if (added) out.push(added);
      return;
    }
    if (!li || !ri) {
      // Deleted on one side: gone, unless the other side changed it.
      const kept = li ?? ri;
      if (kept && !same(kept, bi)) {
        conflicts.push(`${what} ${id}`);
        out.push(kept);
      }
      return;
    }
    const merged = mergeObject(bi as unknown as Loose, li as unknown as Loose, ri as unknown as Loose);
    if (merged.conflict) conflicts.push(`${what} ${id}`);
    out.push(merged.value as unknown as T);
  };
  const seen = new Set<string>();
  // The remote order, then what only this side added (edge order matters to the engine).
  for (const item of [...remote, ...local]) {
    if (seen.has(item.id)) continue;
    seen.add(item.id);
    visit(item.id);
  }
  for (const item of base) if (!seen.has(item.id)) seen.add(item.id); // deleted on both sides
  return out;
}

export function merge(base: SceneDoc, local: SceneDoc, remote: SceneDoc): Merged {
  const conflicts: string[] = [];
  const start = pick(base.start, local.start, remote.start);
  if (start.conflict) conflicts.push("start");
  const flags: SceneDoc["flags"] = {};
  for (const name of new Set([...Object.keys(base.flags), ...Object.keys(local.flags), ...Object.keys(remote.flags)])) {
    const merged = pick(base.flags[name], local.flags[name], remote.flags[name]);
    if (merged.conflict) conflicts.push(`flag ${name}`);
    if (merged.value !== undefined) flags[name] = merged.value;
  }
  const nodes = mergeList(base.nodes, local.nodes, remote.nodes, "node", conflicts);
  const ids = new Set(nodes.map((n) => n.id));
  // An edge merged in may point at a node the other side deleted: that cannot be saved.
  const edges = mergeList(base.edges, local.edges, remote.edges, "edge", conflicts).filter((e) => {
    const whole = ids.has(e.from) && ids.has(e.to);
    if (!whole) conflicts.push(`edge ${e.id}`);
    return whole;
  });
  const frames = mergeList(base.frames, local.frames, remote.frames, "frame", conflicts);
  if (conflicts.length) return { doc: null, conflicts };
  return { doc: { start: start.value, flags, nodes, edges, frames }, conflicts };
}
