/**
 * The scene engine: `start`, `options`, `advance` over a bundle, pure and deterministic
 * (docs/scenes.md §4), the twin of src/pixsim7/scenes/engine.py. Both pass the golden
 * traces in tests/scenes/golden/. States are plain JSON; every call returns a new state.
 */
import { clone } from "src/features/scenes/engine/flags";
import { InvalidInput, Run, type Loaded, type LoadedScene } from "src/features/scenes/engine/run";
import type { Bundle, Edge, Input, Options, State } from "src/features/scenes/engine/types";

export { InvalidInput, type Loaded };

const STATE_FORMAT = "pixsim7.state/1";
const SEED_LIMIT = 2 ** 32;
const INPUT_KEYS: Record<string, string[]> = {
  segment_end: ["kind"],
  choice: ["kind", "edge"],
  timeout: ["kind"],
  mini_game: ["kind", "result"],
  back: ["kind"],
};
const EXPECTED_PHASE: Record<string, State["phase"]> = {
  segment_end: "segment",
  choice: "choice",
  timeout: "choice",
  mini_game: "mini_game",
};

/** Index a normalized bundle (every field present, as export.json holds it). */
export function load(bundle: Bundle): Loaded {
  const scenes = new Map<number, LoadedScene>();
  for (const doc of bundle.scenes) {
    const out = new Map<string, Edge[]>();
    for (const edge of doc.edges) {
      const list = out.get(edge.from);
      if (list) list.push(edge);
      else out.set(edge.from, [edge]);
    }
    scenes.set(doc.id, { doc, nodes: new Map(doc.nodes.map((n) => [n.id, n])), out });
  }
  return { root: bundle.root, scenes };
}

export function start(bundle: Loaded, seed: number): State {
  if (!Number.isInteger(seed) || seed < 0 || seed >= SEED_LIMIT) {
    throw new RangeError("seed must be an integer in [0, 2**32)");
  }
  const root = bundle.scenes.get(bundle.root);
  const state: State = {
    format: STATE_FORMAT,
    root: bundle.root,
    scene: bundle.root,
    node: null,
    phase: "segment",
    flags: root ? clone(root.doc.flags) : {},
    stack: [],
    video: null,
    game: null,
    rng: seed,
    end: null,
    history: [],
  };
  const run = new Run(bundle, state);
  if (!root) run.stuck("unknown_scene");
  else run.enter(root.doc.start);
  return run.done();
}

/** What the player may choose now, and what a timeout would take. */
export function options(bundle: Loaded, state: State): Options {
  if (state.phase !== "choice") return { options: [], timeout: null };
  const run = new Run(bundle, state);
  const node = run.node();
  const offered = run.openEdges(node);
  let timeout: Options["timeout"] = null;
  if (node.type === "choice" && node.timeout !== null) {
    const taken = Run.timeoutEdge(offered);
    timeout = { seconds: node.timeout.seconds, edge: taken ? taken.id : null };
  }
  return {
    options: offered.map((e) => ({ edge: e.id, label: e.label, to: e.to, is_default: e.is_default })),
    timeout,
  };
}

/** The state after one input; throws InvalidInput (and changes nothing) if it is not accepted. */
export function advance(bundle: Loaded, state: State, given: Input | unknown): State {
  const kind = kindOf(given);
  if (kind === "back") {
    const previous = state.history.at(-1);
    if (!previous) throw new InvalidInput("no_history", "there is no earlier decision to go back to");
    return { ...clone(previous), history: clone(state.history.slice(0, -1)) };
  }
  if (state.phase !== EXPECTED_PHASE[kind]) {
    throw new InvalidInput("unexpected_input", `${kind} is not expected in phase ${state.phase}`);
  }
  const run = new Run(bundle, clone(state));
  const input = given as Record<string, unknown>;
  if (kind === "segment_end") run.segmentEnd();
  else if (kind === "mini_game") run.miniGame(input.result);
  else run.decide(kind === "choice" ? (input.edge as string) : null);
  return run.done();
}

function kindOf(given: unknown): string {
  const kind = isRecord(given) ? given.kind : undefined;
  if (!isRecord(given) || typeof kind !== "string" || !Object.hasOwn(INPUT_KEYS, kind)) {
    throw new InvalidInput("bad_input", "an input is an object with a known kind");
  }
  const keys = INPUT_KEYS[kind]!;
  const fields = Object.keys(given);
  const exact = fields.length === keys.length && keys.every((k) => Object.hasOwn(given, k));
  if (!exact || (kind === "choice" && typeof given.edge !== "string")) {
    throw new InvalidInput("bad_input", `a ${kind} input has the fields ${keys.join(", ")}`);
  }
  return kind;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
