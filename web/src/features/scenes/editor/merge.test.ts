import { addNode, connect, emptyDoc, moveNodes, newNode, patchNode, removeItems } from "src/features/scenes/editor/doc";
import { merge } from "src/features/scenes/editor/merge";
import type { VideoNode } from "src/features/scenes/engine/types";

function base() {
  let doc = addNode(emptyDoc(), newNode("video", "a", { x: 0, y: 0 }));
  doc = addNode(doc, newNode("video", "b", { x: 200, y: 0 }));
  doc = addNode(doc, newNode("end", "c", { x: 400, y: 0 }));
  doc = connect(doc, "a", null, "b")[0];
  return connect(doc, "b", null, "c")[0];
}

const media = [{ asset_id: 9, missing: false, start: null, end: null, tags: [] }];

describe("three-way merge", () => {
  it("takes a clip generated elsewhere into a node moved here", () => {
    const b = base();
    const local = moveNodes(b, new Map([["b", { x: 250, y: 50 }]]));
    const remote = patchNode<VideoNode>(b, "b", { media });
    const { doc, conflicts } = merge(b, local, remote);
    expect(conflicts).toEqual([]);
    const node = doc!.nodes[1] as VideoNode;
    expect(node.position).toEqual({ x: 250, y: 50 });
    expect(node.media).toEqual(media);
  });

  it("keeps additions and deletions of both sides", () => {
    const b = base();
    const local = addNode(b, newNode("choice", "fork", null));
    const remote = removeItems(addNode(b, newNode("end", "lose", null)), [], ["e2"]);
    const { doc, conflicts } = merge(b, local, remote);
    expect(conflicts).toEqual([]);
    expect(doc!.nodes.map((n) => n.id)).toEqual(["a", "b", "c", "lose", "fork"]);
    expect(doc!.edges.map((e) => e.id)).toEqual(["e1"]);
  });

  it("names what both sides changed differently", () => {
    const b = base();
    const local = patchNode(b, "a", { label: "here" });
    const remote = patchNode(removeItems(b, ["c"]), "a", { label: "there" });
    expect(merge(b, local, remote)).toEqual({ doc: null, conflicts: ["node a"] });
    // A node deleted elsewhere but changed here; an edge made here to a node gone there.
    expect(merge(b, patchNode(b, "c", { label: "kept" }), remote).conflicts).toEqual(["node c"]);
    expect(merge(b, connect(b, "a", null, "c")[0], remote).conflicts).toEqual(["edge e3"]);
  });

  it("changes nothing when one side did not change", () => {
    const b = base();
    const remote = patchNode(b, "a", { label: "x" });
    expect(merge(b, b, remote).doc).toEqual(remote);
    expect(merge(b, remote, b).doc).toEqual(remote);
  });
});
