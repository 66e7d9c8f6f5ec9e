import { docOf, updateOf } from "src/features/scenes/editor/scene";
import { edgeText, nodeText } from "src/features/scenes/editor/summary";
import { fillMarks, flowMapper, indexProblems } from "src/features/scenes/editor/flow";
import { testView } from "src/features/scenes/editor/testView";
import { layout } from "src/features/scenes/editor/layout";
import { addNode, emptyDoc, newNode, updateNode } from "src/features/scenes/editor/doc";

const api = {
  start: "intro",
  flags: { gold: 0 },
  nodes: [
    { id: "intro", type: "video", media: [{ asset_id: 3 }] },
    { id: "lit", type: "condition", flag: "gold", op: "gte", value: 10, label: "Rich?" },
    { id: "win", type: "end", outcome: "success" },
  ],
  edges: [
    { id: "e1", from: "intro", to: "lit", effects: [{ flag: "gold", op: "inc" }] },
    { id: "e2", from: "lit", to: "win", port: "true", label: "Yes", is_default: true,
      conditions: [{ flag: "gold", op: "gte", value: 10 }] },
  ],
} as never; // the API's shape, loosely

const view = testView;

describe("scene <-> document", () => {
  it("fills in every default the engine reads, and saves the whole graph with its version", () => {
    const doc = docOf(api);
    expect(doc.nodes[0]).toEqual({
      id: "intro", type: "video", label: null, position: null,
      media: [{ asset_id: 3, missing: false, start: null, end: null, tags: [] }], selection: { mode: "ordered" }, playback: { mode: "normal" },
    });
    expect(doc.nodes[2]).toMatchObject({ outcome: "success", message: null });
    expect(doc.edges[0]).toEqual({
      id: "e1", from: "intro", to: "lit", port: null, label: null, conditions: [],
      effects: [{ flag: "gold", op: "inc", value: null }], is_default: false,
    });
    const body = updateOf(doc, 7);
    expect(body.version).toBe(7);
    expect(body.start).toBe("intro");
    expect(docOf({ ...body, flags: body.flags } as never)).toEqual(doc);
  });

  it("says what edges and nodes do in short", () => {
    const doc = docOf(api);
    expect(edgeText(doc.edges[1]!)).toEqual({ label: "[true] Yes (default)", logic: "if gold ≥ 10" });
    expect(edgeText(doc.edges[0]!)).toEqual({ label: "", logic: "gold +1" });
    expect(nodeText(doc.nodes[1]!)).toBe("gold ≥ 10");
    expect(nodeText(doc.nodes[0]!)).toBe("1 clip · ordered");
  });
});

describe("the canvas's elements", () => {
  it("hands back the same element for what did not change", () => {
    const map = flowMapper();
    const doc = docOf(api);
    const first = map(doc, view());
    expect(first.nodes.map((n) => n.data.start)).toEqual([true, false, false]);
    expect(first.edges[1]?.sourceHandle).toBe("true");
    expect(first.edges[0]?.sourceHandle).toBe("out");
    const edited = updateNode(doc, "lit", (n) => ({ ...n, label: "Gold?" }));
    const problems = indexProblems([
      { code: "dead_end", severity: "error", message: "no way out", node: "win", edge: null },
      { code: "unreachable", severity: "warning", message: "x", node: "win", edge: null },
    ]);
    const second = map(edited, view({ problems, selectedEdges: new Set(["e1"]) }));
    expect(second.nodes[0]).toBe(first.nodes[0]);
    expect(second.nodes[1]).not.toBe(first.nodes[1]);
    expect(second.nodes[2]?.data.marks).toEqual({ errors: 1, warnings: 1, messages: ["no way out", "x"] });
    expect(second.edges[0]?.selected).toBe(true);
    expect(second.edges[1]).toBe(first.edges[1]);
  });

  it("lays out every node left to right from the start", () => {
    const positions = layout(docOf(api));
    const x = (id: string) => positions.get(id)!.x;
    expect(x("intro")).toBeLessThan(x("lit"));
    expect(x("lit")).toBeLessThan(x("win"));
    // A part of the graph keeps its corner where it was.
    let doc = addNode(emptyDoc(), newNode("video", "a", { x: 500, y: 300 }));
    doc = addNode(doc, newNode("video", "b", { x: 900, y: 900 }));
    const part = layout(doc, new Set(["a", "b"]));
    expect(Math.min(part.get("a")!.x, part.get("b")!.x)).toBe(500);
    expect(Math.min(part.get("a")!.y, part.get("b")!.y)).toBe(300);
  });
});

describe("generations shown on nodes", () => {
  it("counts those under way and says why the latest settled one failed", () => {
    const marks = fillMarks([
      { node: "a", state: "waiting", message: null },
      { node: "b", state: "failed", message: "moderated" },
      { node: "b", state: "attached", message: null },
      { node: "c", state: "attached", message: null },
      { node: "c", state: "gone", message: "old" },
      { node: "a", state: "failed", message: "older" },
    ]);
    expect(marks.get("a")).toEqual({ pending: 1, failed: null });
    expect(marks.get("b")).toEqual({ pending: 0, failed: "moderated" });
    expect(marks.get("c")).toEqual({ pending: 0, failed: null });
  });
});
