/**
 * Random valid scene bundles and inputs for the engine's property tests: every node type,
 * conditions and effects on a few flags, calls between up to three scenes (recursion too).
 */
import fc from "fast-check";
import { options, type Loaded } from "src/features/scenes/engine/engine";
import type {
  Bundle,
  BundleScene,
  Edge,
  Effect,
  GameSpec,
  Input,
  SceneNode,
  State,
  Value,
} from "src/features/scenes/engine/types";

const FLAGS = ["n", "b", "items"];
const VALUES: Value[] = [0, 1, 3, -2, true, false, "x", null, ["x"]];
const CONDITION_OPS = ["eq", "neq", "gt", "lt", "gte", "lte", "includes"] as const;
const EFFECTS: Effect[] = [
  { flag: "n", op: "inc", value: null },
  { flag: "n", op: "dec", value: 2 },
  { flag: "b", op: "toggle", value: null },
  { flag: "items", op: "push", value: "x" },
  { flag: "n", op: "set", value: 3 },
];
const REFLEX: GameSpec = {
  game: "reflex",
  config: { rounds: 2, min_delay_ms: 0, max_delay_ms: 30, window_ms: 100, success_ratio: 0.5 },
};
const MEMORY: GameSpec = {
  game: "memory",
  config: { length: 2, symbols: ["a", "b", "c"], show_ms: 100 },
};
const base = { label: null, position: null };
const one = <T>(...items: T[]) => fc.constantFrom(...items);

const media = fc.record({
  asset_id: one(1, 2, null),
  missing: fc.constant(false),
  start: fc.constant(null),
  end: fc.constant(null),
  tags: one<string[]>([], ["t"]),
});

const video = fc.record({
  type: fc.constant("video" as const),
  media: fc.array(media, { maxLength: 3 }),
  selection: one(
    { mode: "ordered" as const },
    { mode: "random" as const },
    { mode: "pool" as const, tags: ["t"], count: 2 },
  ),
  playback: fc.oneof(
    one({ mode: "normal" as const }, { mode: "loop" as const, start: null, end: null }),
    one<GameSpec>(REFLEX, MEMORY).map((gate) => ({
      mode: "progression" as const,
      steps: [
        { label: "one", start: 0, end: 1, gate: null },
        { label: "two", start: 1, end: 2, gate },
      ],
    })),
  ),
});

function nodeBody(sceneIds: number[]): fc.Arbitrary<Omit<SceneNode, "id" | "label" | "position">> {
  return fc.oneof(
    video,
    fc.record({
      type: fc.constant("choice" as const),
      prompt: fc.constant(null),
      timeout: one(null, { seconds: 1 }),
    }),
    fc.record({
      type: fc.constant("condition" as const),
      flag: one(...FLAGS),
      op: one(...CONDITION_OPS),
      value: one(...VALUES),
    }),
    one<GameSpec>(REFLEX, MEMORY).map((game) => ({ ...game, type: "mini_game" as const, score_flag: "n" })),
    fc.record({
      type: fc.constant("end" as const),
      outcome: one("success" as const, "failure" as const, "neutral" as const),
      message: fc.constant(null),
    }),
    one(...sceneIds).map((scene) => ({
      type: "scene_call" as const,
      scene,
      missing: false,
      bindings: { n: { flag: "n" } },
      returns: { n: "n" },
    })),
    one(null, "p").map((port) => ({ type: "return" as const, port, values: { n: { value: 1 } } })),
  );
}

function ports(type: SceneNode["type"]): (string | null)[] {
  if (type === "condition") return ["true", "false"];
  if (type === "mini_game") return ["success", "failure"];
  return type === "scene_call" ? [null, "p"] : [null];
}

const condition = fc.record({ flag: one(...FLAGS), op: one(...CONDITION_OPS), value: one(...VALUES) });

function edgesOf(node: SceneNode, ids: string[]): fc.Arbitrary<Edge[]> {
  if (node.type === "end" || node.type === "return") return fc.constant([]);
  const edge = fc.record({
    to: one(...ids),
    port: one(...ports(node.type)),
    is_default: fc.boolean(),
    conditions: fc.array(condition, { maxLength: 1 }),
    effects: fc.array(one(...EFFECTS), { maxLength: 2 }),
  });
  return fc
    .array(edge, { maxLength: 3 })
    .map((list) => list.map((e, i) => ({ ...e, id: `${node.id}-${i}`, from: node.id, label: `to ${i}` })));
}

/** A called scene is now and then a draft with no start: a call to it is stuck. */
const isDraft = (sceneId: number) =>
  sceneId === 1 ? fc.constant(false) : fc.integer({ min: 0, max: 3 }).map((n) => n === 0);

function scene(sceneId: number, sceneIds: number[]): fc.Arbitrary<BundleScene> {
  return fc
    .array(nodeBody(sceneIds), { minLength: 1, maxLength: 8 })
    .map((bodies) => bodies.map((b, i) => ({ ...b, ...base, id: `s${sceneId}n${i}` }) as SceneNode))
    .chain((nodes) =>
      fc.tuple(fc.tuple(...nodes.map((n) => edgesOf(n, nodes.map((m) => m.id)))), isDraft(sceneId)).map(
        ([lists, draft]) => ({
          id: sceneId,
          title: `S${sceneId}`,
          description: null,
          start: draft ? null : nodes[0]!.id,
          flags: { n: 0, b: false, items: [] },
          nodes,
          edges: lists.flat(),
        }),
      ),
    );
}

/** A normalized bundle of 1–3 scenes of 1–8 nodes each; scene 1 is the root. */
export const bundles: fc.Arbitrary<Bundle> = fc.integer({ min: 1, max: 3 }).chain((count) => {
  const ids = Array.from({ length: count }, (_, i) => i + 1);
  return fc.tuple(...ids.map((id) => scene(id, ids))).map((scenes) => ({
    format: "pixsim7.scene/1" as const,
    root: 1,
    scenes,
    assets: {},
  }));
});

/** Choices of inputs: each number picks one input among those fitting the state then. */
export const picks = fc.array(fc.nat(), { minLength: 25, maxLength: 25 });

/** The input `pick` chooses for `state`: mostly well aimed, sometimes not. */
export function input(loaded: Loaded, state: State, pick: number): Input {
  const offered = options(loaded, state).options.map((o) => o.edge);
  const candidates: Input[] = [
    { kind: "segment_end" },
    { kind: "timeout" },
    { kind: "back" },
    { kind: "choice", edge: "nope" },
    ...offered.map((edge) => ({ kind: "choice" as const, edge })),
  ];
  const bits = Math.floor(pick / 16);
  if (state.game?.game === "reflex") {
    const times = [null, 0, 50, 150];
    const result = { reaction_ms: [times[bits % 4]!, times[(bits >> 2) % 4]!] };
    candidates.push({ kind: "mini_game", result }, { kind: "mini_game", result });
  } else if (state.game?.game === "memory") {
    const entered = [bits % 3, (bits >> 2) % 3].slice(0, (bits >> 4) % 3);
    candidates.push({ kind: "mini_game", result: { entered } }, { kind: "mini_game", result: { entered } });
  }
  return candidates[pick % candidates.length]!;
}
