/**
 * Property tests on generated graphs: whatever the graph and the inputs, the engine never
 * crashes, never stands on an unknown node, keeps its call stack balanced, leaves its
 * argument alone, and gives the same states for the same seed and inputs.
 */
import fc from "fast-check";
import { advance, InvalidInput, load, options, start, type Loaded } from "src/features/scenes/engine/engine";
import { bundles, input, picks } from "src/features/scenes/engine/testGraphs";
import type { Input, State } from "src/features/scenes/engine/types";

const seeds = fc.integer({ min: 0, max: 2 ** 32 - 1 });

function check(ok: boolean, what: string) {
  if (!ok) throw new Error(what);
}

function checkInvariants(loaded: Loaded, state: State) {
  const scene = loaded.scenes.get(state.scene);
  check(scene?.nodes.has(state.node ?? "") === true, "on a known node");
  check(state.stack.length <= 16, "at most 16 frames");
  // The stack is the chain of calls from the root to the current scene.
  let at = loaded.root;
  for (const frame of state.stack) {
    check(frame.scene === at, "frames chain from the root");
    const call = loaded.scenes.get(at)?.nodes.get(frame.node);
    check(call?.type === "scene_call", "frames stand on calls");
    at = (call as { scene: number }).scene;
  }
  check(at === state.scene, "the last call leads to the current scene");
  check((state.phase === "ended") === (state.end !== null), "ended iff end");
  check((state.phase === "mini_game") === (state.game !== null), "mini_game iff game");
  check(state.rng >>> 0 === state.rng, "rng is a u32");
  for (const option of options(loaded, state).options) {
    check(scene?.nodes.has(option.to) === true, "options lead to known nodes");
  }
}

/** Advance, or keep the state when the input is refused (the only error allowed). */
function step(loaded: Loaded, state: State, given: Input): State {
  try {
    return advance(loaded, state, given);
  } catch (error) {
    if (!(error instanceof InvalidInput)) throw error;
    return state;
  }
}

function play(loaded: Loaded, seed: number, inputs: Input[]): string[] {
  let state = start(loaded, seed);
  const seen = [JSON.stringify(state)];
  for (const given of inputs) {
    state = step(loaded, state, given);
    seen.push(JSON.stringify(state));
  }
  return seen;
}

test("any play keeps the invariants and is deterministic", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(bundles, seeds, picks, (raw, seed, chosen) => {
      const loaded = load(raw);
      let state = start(loaded, seed);
      checkInvariants(loaded, state);
      const played: Input[] = [];
      for (const pick of chosen) {
        const given = input(loaded, state, pick);
        played.push(given);
        const before = JSON.stringify(state);
        const after = step(loaded, state, given);
        check(JSON.stringify(state) === before, "the argument is never changed");
        state = after;
        checkInvariants(loaded, state);
      }
      expect(play(loaded, seed, played)).toStrictEqual(play(loaded, seed, played));
    }),
    { numRuns: 200 },
  );
});

test("every offered option is accepted, and back undoes it", { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(bundles, seeds, picks, (raw, seed, chosen) => {
      const loaded = load(raw);
      let state = start(loaded, seed);
      for (const pick of chosen) {
        const offered = options(loaded, state).options;
        if (offered.length === 0) {
          state = step(loaded, state, input(loaded, state, pick));
          continue;
        }
        const edge = offered[pick % offered.length]!.edge;
        const after = advance(loaded, state, { kind: "choice", edge });
        const undone = advance(loaded, after, { kind: "back" });
        expect({ ...undone, history: null }).toStrictEqual({ ...state, history: null });
        state = after;
      }
    }),
    { numRuns: 200 },
  );
});

test("a play stuck entering a called scene stands on the call, in the caller's scene", () => {
  const loaded = load({
    format: "pixsim7.scene/1",
    root: 1,
    assets: {},
    scenes: [
      { id: 1, title: "caller", description: null, start: "call", flags: {}, edges: [],
        nodes: [{ id: "call", type: "scene_call", label: null, position: null, scene: 2, missing: false,
          bindings: {}, returns: {} }] },
      { id: 2, title: "draft", description: null, start: null, flags: {}, nodes: [], edges: [] },
    ],
  });
  const state = start(loaded, 0);
  expect(state.end).toStrictEqual({ node: "call", outcome: "stuck", message: "unknown_node" });
  expect([state.scene, state.node, state.stack]).toStrictEqual([1, "call", []]);
});

test("bad inputs are refused with bad_input", () => {
  const loaded = load({
    format: "pixsim7.scene/1",
    root: 1,
    assets: {},
    scenes: [{ id: 1, title: "t", description: null, start: "a", flags: {}, edges: [],
      nodes: [{ id: "a", type: "end", label: null, position: null, outcome: "neutral", message: null }] }],
  });
  const state = start(loaded, 0);
  const bad = [null, [], "back", { kind: "fly" }, { kind: "back", x: 1 }, { kind: "choice", edge: 3 }, { kind: "constructor" }];
  for (const given of bad) {
    expect(() => advance(loaded, state, given)).toThrow(expect.objectContaining({ code: "bad_input" }));
  }
});
