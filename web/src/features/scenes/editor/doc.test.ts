import {
  addNode,
  connect,
  copy,
  emptyDoc,
  moveNodes,
  newNode,
  paste,
  parseClip,
  portsOf,
  removeItems,
  renameNode,
  type SceneDoc,
} from "src/features/scenes/editor/doc";

function threeNodes(): SceneDoc {
  let doc = emptyDoc();
  doc = addNode(doc, newNode("video", "intro", { x: 0, y: 0 }));
  doc = addNode(doc, newNode("condition", "lit", { x: 200, y: 0 }));
  doc = addNode(doc, newNode("end", "win", { x: 400, y: 0 }));
  doc = connect(doc, "intro", null, "lit")[0];
  doc = connect(doc, "lit", "true", "win")[0];
  return doc;
}

describe("the document's edits", () => {
  it("makes the first node the start and gives edges fresh ids", () => {
    const doc = threeNodes();
    expect(doc.start).toBe("intro");
    expect(doc.edges.map((e) => [e.id, e.from, e.port, e.to])).toEqual([
      ["e1", "intro", null, "lit"],
      ["e2", "lit", "true", "win"],
    ]);
  });

  it("moves a condition's port to its new target instead of doubling it", () => {
    let doc = threeNodes();
    doc = addNode(doc, newNode("end", "lose", null));
    const [next, id] = connect(doc, "lit", "true", "lose");
    expect(id).toBe("e2");
    expect(next.edges.filter((e) => e.from === "lit")).toHaveLength(1);
    expect(next.edges[1]?.to).toBe("lose");
    // A choice may have any number of options.
    const [choice] = connect(addNode(next, newNode("choice", "fork", null)), "fork", null, "win");
    expect(connect(choice, "fork", null, "lose")[0].edges.filter((e) => e.from === "fork")).toHaveLength(2);
  });

  it("removes a node with its edges and clears a removed start", () => {
    const doc = removeItems(threeNodes(), ["intro"]);
    expect(doc.start).toBeNull();
    expect(doc.nodes.map((n) => n.id)).toEqual(["lit", "win"]);
    expect(doc.edges.map((e) => e.id)).toEqual(["e2"]);
    expect(removeItems(doc, [], ["e2"]).edges).toEqual([]);
  });

  it("shares what it did not change", () => {
    const doc = threeNodes();
    const moved = moveNodes(doc, new Map([["lit", { x: 5, y: 6 }]]));
    expect(moved.nodes[0]).toBe(doc.nodes[0]);
    expect(moved.nodes[1]?.position).toEqual({ x: 5, y: 6 });
    expect(moved.edges).toBe(doc.edges);
    expect(moveNodes(doc, new Map())).toBe(doc);
  });

  it("renames a node in its edges and the start, and refuses a taken or bad id", () => {
    const doc = renameNode(threeNodes(), "intro", "opening");
    expect(doc.start).toBe("opening");
    expect(doc.edges[0]?.from).toBe("opening");
    expect(renameNode(doc, "opening", "win")).toBe(doc);
    expect(renameNode(doc, "opening", "has space")).toBe(doc);
  });

  it("pastes a copy under fresh ids with the edges among the copied nodes", () => {
    const doc = threeNodes();
    const clip = parseClip(JSON.stringify(copy(doc, ["lit", "win"])));
    expect(clip?.edges.map((e) => e.id)).toEqual(["e2"]);
    const [pasted, ids] = paste(doc, clip!, { x: 40, y: 40 });
    expect(ids).toEqual(["lit1", "win1"]);
    const added = pasted.edges[2];
    expect([added?.id, added?.from, added?.to, added?.port]).toEqual(["e3", "lit1", "win1", "true"]);
    expect(pasted.nodes[3]?.position).toEqual({ x: 240, y: 40 });
    expect(parseClip("{}")).toBeNull();
    expect(parseClip("not json")).toBeNull();
  });

  it("knows each type's ways out", () => {
    expect(portsOf(newNode("condition", "c", null))).toEqual(["true", "false"]);
    expect(portsOf(newNode("mini_game", "g", null))).toEqual(["success", "failure"]);
    expect(portsOf(newNode("end", "e", null))).toEqual([]);
    expect(portsOf(newNode("return", "r", null))).toEqual([]);
    expect(portsOf(newNode("video", "v", null))).toEqual([null]);
  });
});
