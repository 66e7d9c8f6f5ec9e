import { addNode, copy, emptyDoc, moveNodes, newNode, paste, parseClip, type SceneDoc } from "src/features/scenes/editor/doc";
import { initialState, reducer } from "src/features/scenes/editor/editorState";
import { flowMapper, frameNodeId, frameOf, NODE_HEIGHT, NODE_WIDTH } from "src/features/scenes/editor/flow";
import { frameAround, membersOf, moveFrame, refitFrames, removeFrames, updateFrame, pasteOffset, withMembers } from "src/features/scenes/editor/frames";
import { merge } from "src/features/scenes/editor/merge";
import { docOf, updateOf } from "src/features/scenes/editor/scene";
import { testView } from "src/features/scenes/editor/testView";

function three(): SceneDoc {
  let doc = addNode(emptyDoc(), newNode("video", "a", { x: 0, y: 0 }));
  doc = addNode(doc, newNode("video", "b", { x: 300, y: 100 }));
  return addNode(doc, newNode("end", "far", { x: 2000, y: 2000 }));
}

const view = testView();

describe("frames", () => {
  it("are made around the selected nodes, with room for a title, and hold just them", () => {
    const [doc, id] = frameAround(three(), ["a", "b"]);
    expect(id).toBe("frame1");
    const frame = doc.frames[0]!;
    expect(frame.label).toBe("Group 1");
    expect(frame.x).toBeLessThan(0);
    expect(frame.y).toBeLessThan(-30); // the title bar above the top node
    expect(frame.x + frame.width).toBeGreaterThan(300 + NODE_WIDTH);
    expect(frame.y + frame.height).toBeGreaterThan(100 + NODE_HEIGHT);
    expect(membersOf(doc, frame)).toEqual(["a", "b"]);
    // Nothing with a position selected: no frame.
    expect(frameAround(addNode(emptyDoc(), newNode("end", "x", null)), ["x"])).toEqual([expect.anything(), null]);
  });

  it("are copied with the nodes they hold and pasted beside them under fresh ids", () => {
    const [doc, id] = frameAround(three(), ["a", "b"]);
    const clip = parseClip(JSON.stringify(copy(doc, withMembers(doc, [], [id!]), [id!])));
    expect(clip?.nodes.map((n) => n.id)).toEqual(["a", "b"]);
    const offset = pasteOffset(clip!);
    const [pasted, nodes, frames] = paste(doc, clip!, offset);
    expect([nodes, frames]).toEqual([["a1", "b1"], ["frame2"]]);
    const [copied, original] = pasted.frames;
    expect(copied).toMatchObject({ label: original!.label, x: original!.x + original!.width + 40, y: original!.y, width: original!.width });
    // The pasted frame holds the pasted nodes, and the original still holds its own.
    expect(membersOf(pasted, copied!)).toEqual(["a1", "b1"]);
    expect(membersOf(pasted, original!)).toEqual(["a", "b"]);
    // A clip from before frames could be copied has none.
    const old = { format: "pixsim7.editor-clip/1" as const, nodes: clip!.nodes, edges: [] };
    expect(pasteOffset(old)).toEqual({ x: 40, y: 40 });
    expect(paste(doc, old, { x: 0, y: 0 })[2]).toEqual([]);
    expect(parseClip(JSON.stringify({ ...old, frames: "no" }))).toBeNull();
  });

  it("take the nodes they held when moved, and leave the others", () => {
    const [doc] = frameAround(three(), ["a", "b"]);
    const frame = doc.frames[0]!;
    const moved = moveFrame(doc, frame.id, { x: frame.x + 50, y: frame.y - 20 }, new Set(["a", "b"]));
    expect(moved.frames[0]).toMatchObject({ x: frame.x + 50, y: frame.y - 20, width: frame.width });
    expect(moved.nodes.map((n) => n.position)).toEqual([
      { x: 50, y: -20 },
      { x: 350, y: 80 },
      { x: 2000, y: 2000 },
    ]);
    expect(moveFrame(doc, frame.id, { x: frame.x, y: frame.y }, new Set(["a"]))).toBe(doc);
    // A node dragged out is no longer held.
    const out = moveNodes(moved, new Map([["b", { x: 5000, y: 0 }]]));
    expect(membersOf(out, out.frames[0]!)).toEqual(["a"]);
  });

  it("are fitted again around their nodes after an automatic layout, the others left as drawn", () => {
    let [doc] = frameAround(three(), ["a"]);
    [doc] = frameAround(doc, ["far"]);
    const arranged = refitFrames(doc, moveNodes(doc, new Map([["a", { x: 900, y: 40 }]])));
    const held = arranged.frames.find((f) => membersOf(doc, doc.frames.find((g) => g.id === f.id)!).includes("a"))!;
    expect(membersOf(arranged, held)).toEqual(["a"]);
    expect(held.x).toBe(900 - 30);
    const other = arranged.frames.find((f) => f.id !== held.id);
    expect(other).toBe(doc.frames.find((f) => f.id === other!.id));
  });

  it("are renamed and removed without touching the nodes", () => {
    const [doc, id] = frameAround(three(), ["a"]);
    const named = updateFrame(doc, id!, { label: "Forest path" });
    expect(named.frames[0]!.label).toBe("Forest path");
    expect(named.nodes).toBe(doc.nodes);
    const gone = removeFrames(named, [id!]);
    expect(gone.frames).toEqual([]);
    expect(gone.nodes).toBe(doc.nodes);
  });

  it("are read from and saved in the scene's layout", () => {
    const frame = { id: "f1", label: "Intro", x: -10, y: -40, width: 400, height: 200 };
    const doc = docOf({ start: null, flags: {}, nodes: [], edges: [], layout: { frames: [frame] } });
    expect(doc.frames).toEqual([frame]);
    expect(updateOf(doc, 3).layout).toEqual({ frames: [frame] });
    expect(docOf({ start: null, flags: {}, nodes: [], edges: [] }).frames).toEqual([]);
  });

  it("are drawn behind the nodes, under ids no node can have, redrawn only when changed", () => {
    const [doc, id] = frameAround(three(), ["a", "b"]);
    const map = flowMapper();
    const first = map(doc, view);
    const drawn = first.nodes[0]!;
    expect(drawn).toMatchObject({ id: frameNodeId(id!), type: "frame", zIndex: -1, dragHandle: ".scene-frame-title" });
    expect(frameOf(drawn.id)).toBe(id);
    expect(frameOf("a")).toBeNull();
    expect(first.nodes.slice(1).map((n) => n.id)).toEqual(["a", "b", "far"]);
    const again = map(moveNodes(doc, new Map([["far", { x: 0, y: 5000 }]])), view);
    expect(again.nodes[0]).toBe(drawn);
    const selected = map(doc, { ...view, selectedFrames: new Set([id!]) });
    expect(selected.nodes[0]).not.toBe(drawn);
    expect(selected.nodes[0]!.selected).toBe(true);
  });

  it("merge with another editor's save like nodes do", () => {
    const [base, id] = frameAround(three(), ["a"]);
    const local = updateFrame(base, id!, { label: "Mine" });
    const remote = frameAround(base, ["far"])[0];
    const { doc, conflicts } = merge(base, local, remote);
    expect(conflicts).toEqual([]);
    expect(doc!.frames.map((f) => [f.id, f.label])).toEqual([
      ["frame2", "Group 2"],
      [id, "Mine"],
    ]);
    const both = merge(base, local, updateFrame(base, id!, { label: "Theirs" }));
    expect(both.conflicts).toEqual([`frame ${id}`]);
  });

  it("are selected on their own, and dropped from the selection when undone", () => {
    let state = initialState(three());
    state = reducer(state, {
      type: "edit",
      change: (d) => {
        const [doc, id] = frameAround(d, ["a"]);
        return { doc, select: { frames: [id!] } };
      },
    });
    expect([...state.selection.frames]).toEqual(["frame1"]);
    expect(state.selection.nodes.size).toBe(0);
    state = reducer(state, { type: "undo" });
    expect(state.history.present.frames).toEqual([]);
    expect(state.selection.frames.size).toBe(0);
  });
});
