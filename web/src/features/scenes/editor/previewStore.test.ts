import { PreviewStore, playingNode, previewBundle } from "src/features/scenes/editor/previewStore";
import { advance, load } from "src/features/scenes/engine/engine";
import type { Bundle, State } from "src/features/scenes/engine/types";

const bundle: Bundle = {
  format: "pixsim7.scene/1",
  root: 1,
  assets: {},
  scenes: [
    {
      id: 1, title: "Root", description: null, start: "a", flags: { gold: 0 },
      nodes: [
        { id: "a", type: "choice", label: null, position: null, prompt: null, timeout: null },
        { id: "call", type: "scene_call", label: null, position: null, scene: 2, missing: false, bindings: {}, returns: {} },
        { id: "rich", type: "condition", label: null, position: null, flag: "gold", op: "gte", value: 10 },
        { id: "win", type: "end", label: null, position: null, outcome: "success", message: null },
        { id: "lose", type: "end", label: null, position: null, outcome: "failure", message: null },
      ],
      edges: [
        { id: "e1", from: "a", to: "call", port: null, label: "Go", conditions: [], effects: [], is_default: false },
        { id: "e2", from: "call", to: "rich", port: null, label: null, conditions: [], effects: [], is_default: false },
        { id: "t", from: "rich", to: "win", port: "true", label: null, conditions: [], effects: [], is_default: false },
        { id: "f", from: "rich", to: "lose", port: "false", label: null, conditions: [], effects: [], is_default: false },
      ],
    },
    {
      id: 2, title: "Sub", description: null, start: "ask", flags: {},
      nodes: [
        { id: "ask", type: "choice", label: null, position: null, prompt: null, timeout: null },
        { id: "back", type: "return", label: null, position: null, port: null, values: {} },
      ],
      edges: [{ id: "s1", from: "ask", to: "back", port: null, label: "Back", conditions: [], effects: [], is_default: false }],
    },
  ],
}; // the engine's normalized form

describe("the preview", () => {
  it("starts from any node with the starting flags chosen", async () => {
    const states: State[] = [];
    const store = new PreviewStore(previewBundle(bundle, { node: "rich", flags: { gold: 12 } }), (s) => states.push(s), () => 7);
    const play = await store.begin();
    expect(play.state.end).toMatchObject({ outcome: "success", node: "win" });
    expect(states).toHaveLength(1);
    expect(await store.slots()).toEqual([]);
    expect(bundle.scenes[0]!.start).toBe("a"); // the scene itself is left as it was
  });

  it("marks the call node while a called scene plays", async () => {
    const store = new PreviewStore(previewBundle(bundle, { node: null, flags: {} }), () => {}, () => 1);
    const { state } = await store.begin();
    expect(playingNode(state)).toBe("a");
    const inside = advance(load(bundle), state, { kind: "choice", edge: "e1" });
    expect([inside.scene, inside.node, playingNode(inside)]).toEqual([2, "ask", "call"]);
  });
});
