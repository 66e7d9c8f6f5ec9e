import { addNode, connect, emptyDoc, newNode, removeItems } from "src/features/scenes/editor/doc";
import { initialState, reducer } from "src/features/scenes/editor/editorState";

describe("the editor's reducer", () => {
  it("undoes an edit, and drops from the selection what an undo removed", () => {
    let state = initialState(emptyDoc());
    state = reducer(state, {
      type: "edit",
      change: (d) => addNode(d, newNode("video", "v1", { x: 0, y: 0 })),
      select: { nodes: ["v1"] },
    });
    expect([...state.selection.nodes]).toEqual(["v1"]);
    state = reducer(state, { type: "undo" });
    expect(state.history.present.nodes).toEqual([]);
    expect(state.selection.nodes.size).toBe(0);
    state = reducer(state, { type: "redo" });
    expect(state.history.present.nodes.map((n) => n.id)).toEqual(["v1"]);
  });

  it("makes a drag one step, and a delete another", () => {
    let doc = addNode(addNode(emptyDoc(), newNode("video", "a", { x: 0, y: 0 })), newNode("end", "b", { x: 9, y: 9 }));
    doc = connect(doc, "a", null, "b")[0];
    let state = initialState(doc);
    for (const x of [10, 20, 30]) {
      state = reducer(state, {
        type: "edit",
        key: "drag:1",
        change: (d) => ({ ...d, nodes: d.nodes.map((n) => (n.id === "a" ? { ...n, position: { x, y: 0 } } : n)) }),
      });
    }
    state = reducer(state, { type: "seal" });
    state = reducer(state, { type: "select", nodes: ["b"], edges: [] });
    state = reducer(state, { type: "edit", change: (d) => removeItems(d, state.selection.nodes, []) });
    expect(state.history.present.edges).toEqual([]);
    state = reducer(state, { type: "undo" });
    expect(state.history.present.nodes[0]?.position).toEqual({ x: 30, y: 0 });
    state = reducer(state, { type: "undo" });
    expect(state.history.present).toBe(doc);
  });

  it("selects what an edit says it made", () => {
    const doc = addNode(addNode(emptyDoc(), newNode("video", "a", null)), newNode("end", "b", null));
    const state = reducer(initialState(doc), {
      type: "edit",
      change: (d) => {
        const [next, id] = connect(d, "a", null, "b");
        return { doc: next, select: { edges: [id] } };
      },
    });
    expect([...state.selection.edges]).toEqual(["e1"]);
    expect(state.history.present.edges).toHaveLength(1);
  });

  it("keeps the same state for a selection that did not change", () => {
    const state = reducer(initialState(emptyDoc()), { type: "select", nodes: [], edges: [] });
    expect(reducer(state, { type: "select", nodes: [], edges: [] })).toBe(state);
  });
});
