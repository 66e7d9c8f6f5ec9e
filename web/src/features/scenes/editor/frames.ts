/**
 * Labelled frames: rectangles drawn behind nodes to group them (ComfyUI's groups, Figma's
 * sections). A frame holds the nodes lying wholly inside it, worked out from where they are
 * rather than stored, so dragging a node in or out is all it takes to change a group.
 * Saved with the scene's layout (`layout.frames`); never played.
 */
import { type Clip, type Frame, freshId, type Position, type SceneDoc } from "src/features/scenes/editor/doc";
import { NODE_HEIGHT, NODE_WIDTH } from "src/features/scenes/editor/flow";

/** Room around the nodes of a frame made from them, and above them for its title. */
const PAD = 30;
const HEAD = 36;
export const MIN_FRAME = { width: 160, height: 100 };

type Box = { x: number; y: number; width: number; height: number };

function inside(frame: Box, at: Position): boolean {
  return at.x >= frame.x && at.y >= frame.y && at.x + NODE_WIDTH <= frame.x + frame.width && at.y + NODE_HEIGHT <= frame.y + frame.height;
}

/** The nodes a frame holds. */
export function membersOf(doc: SceneDoc, frame: Box): string[] {
  return doc.nodes.filter((n) => n.position && inside(frame, n.position)).map((n) => n.id);
}

/** The frame's box around these nodes (null when none of them has a position). */
function around(doc: SceneDoc, ids: ReadonlySet<string>): Box | null {
  const at = doc.nodes.filter((n) => ids.has(n.id) && n.position).map((n) => n.position as Position);
  if (at.length === 0) return null;
  const left = Math.min(...at.map((p) => p.x)) - PAD;
  const top = Math.min(...at.map((p) => p.y)) - PAD - HEAD;
  const right = Math.max(...at.map((p) => p.x)) + NODE_WIDTH + PAD;
  const bottom = Math.max(...at.map((p) => p.y)) + NODE_HEIGHT + PAD;
  return { x: Math.round(left), y: Math.round(top), width: Math.round(right - left), height: Math.round(bottom - top) };
}

/** A new frame around the given nodes; returns its id too (null when it could not be made). */
export function frameAround(doc: SceneDoc, ids: Iterable<string>): [SceneDoc, string | null] {
  const box = around(doc, new Set(ids));
  if (!box) return [doc, null];
  const id = freshId("frame", new Set(doc.frames.map((f) => f.id)));
  const frame: Frame = { id, label: `Group ${doc.frames.length + 1}`, ...box };
  // First in the list: an earlier frame is drawn below a later one, and a frame made
  // around others' nodes usually holds them.
  return [{ ...doc, frames: [frame, ...doc.frames] }, id];
}

export function updateFrame(doc: SceneDoc, id: string, patch: Partial<Omit<Frame, "id">>): SceneDoc {
  return { ...doc, frames: doc.frames.map((f) => (f.id === id ? { ...f, ...patch } : f)) };
}

export function removeFrames(doc: SceneDoc, ids: Iterable<string>): SceneDoc {
  const gone = new Set(ids);
  return gone.size ? { ...doc, frames: doc.frames.filter((f) => !gone.has(f.id)) } : doc;
}

/** A frame dragged to `to`, taking `carried` (the nodes it held when the drag began) along. */
export function moveFrame(doc: SceneDoc, id: string, to: Position, carried: ReadonlySet<string>): SceneDoc {
  const frame = doc.frames.find((f) => f.id === id);
  if (!frame) return doc;
  const dx = Math.round(to.x) - frame.x;
  const dy = Math.round(to.y) - frame.y;
  if (dx === 0 && dy === 0) return doc;
  const nodes = doc.nodes.map((n) =>
    carried.has(n.id) && n.position ? { ...n, position: { x: n.position.x + dx, y: n.position.y + dy } } : n,
  );
  return { ...updateFrame(doc, id, { x: frame.x + dx, y: frame.y + dy }), nodes };
}

/** After nodes moved (an automatic layout): each frame some of whose nodes moved is fitted
 * around the nodes it held in `before`; the others stay as they were drawn. */
export function refitFrames(before: SceneDoc, after: SceneDoc): SceneDoc {
  if (after.frames.length === 0) return after;
  const was = new Map(before.nodes.map((n) => [n.id, n.position]));
  const moved = new Set(after.nodes.filter((n) => n.position !== was.get(n.id)).map((n) => n.id));
  const frames = after.frames.map((f) => {
    const members = membersOf(before, f);
    const box = members.some((id) => moved.has(id)) ? around(after, new Set(members)) : null;
    return box ? { ...f, ...box } : f;
  });
  return { ...after, frames };
}

/** The nodes copied with a selection: those selected and those its frames hold. */
export function withMembers(doc: SceneDoc, nodes: Iterable<string>, frames: Iterable<string>): string[] {
  const ids = new Set(nodes);
  const chosen = new Set(frames);
  for (const f of doc.frames) if (chosen.has(f.id)) for (const id of membersOf(doc, f)) ids.add(id);
  return [...ids];
}

/** Where a clip is pasted, from where it was copied: nodes alone a little down and right;
 * frames beside the frames they copy, since a copy over them would hold their nodes too. */
export function pasteOffset(clip: Clip): Position {
  const frames = clip.frames ?? [];
  if (frames.length === 0) return { x: 40, y: 40 };
  const left = Math.min(...frames.map((f) => f.x));
  const right = Math.max(...frames.map((f) => f.x + f.width));
  return { x: right - left + 40, y: 0 };
}
