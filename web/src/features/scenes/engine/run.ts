/**
 * One `start` or `advance` at work: entering nodes, moving along edges, taking inputs, on a
 * private copy of the state (docs/scenes.md §3), the twin of src/pixsim7/scenes/run.py.
 */
import { allHold, apply, clone, evaluate, holds, read } from "src/features/scenes/engine/flags";
import { BadResult, plan, score } from "src/features/scenes/engine/games";
import { Draws } from "src/features/scenes/engine/prng";
import type {
  BundleScene,
  Edge,
  GameSpec,
  SceneNode,
  Snapshot,
  State,
  VideoNode,
} from "src/features/scenes/engine/types";

const MAX_STACK = 16;
const MAX_MOVES = 1000;
const MAX_HISTORY = 50;

/** An input the state does not accept; `code` is one of docs/scenes.md §4's. */
export class InvalidInput extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A scene indexed for play: nodes by id, outgoing edges in `edges` order. */
export interface LoadedScene {
  doc: BundleScene;
  nodes: Map<string, SceneNode>;
  out: Map<string, Edge[]>;
}

/** A bundle indexed for play. */
export interface Loaded {
  root: number;
  scenes: Map<number, LoadedScene>;
}

type Next = string | null;

/** One start or advance at work on its own copy of the state. */
export class Run {
  private readonly draws: Draws;
  private moves = 0;

  constructor(
    private readonly bundle: Loaded,
    readonly st: State,
  ) {
    this.draws = new Draws(st.rng);
  }

  done(): State {
    this.st.rng = this.draws.state;
    return this.st;
  }

  scene(): LoadedScene | undefined {
    return this.bundle.scenes.get(this.st.scene);
  }

  node(): SceneNode {
    const node = this.st.node === null ? undefined : this.scene()?.nodes.get(this.st.node);
    if (!node) throw new Error("the state's node is not in its scene");
    return node;
  }

  // Edges

  openEdges(node: SceneNode, port?: string | null): Edge[] {
    const edges = this.scene()?.out.get(node.id) ?? [];
    return edges.filter(
      (e) => (port === undefined || e.port === port) && allHold(this.st.flags, e.conditions),
    );
  }

  /** The automatic move through `port`: first open non-default edge, else first default. */
  pick(node: SceneNode, port: string | null): Edge | undefined {
    const candidates = this.openEdges(node, port);
    return candidates.find((e) => !e.is_default) ?? candidates[0];
  }

  static timeoutEdge(offered: Edge[]): Edge | undefined {
    return offered.find((e) => e.is_default) ?? offered[0];
  }

  /** Take an edge: its effects, in order; the caller enters the target. */
  move(edge: Edge): string {
    for (const effect of edge.effects) apply(this.st.flags, effect);
    return edge.to;
  }

  leave(node: SceneNode, port: string | null): Next {
    const edge = this.pick(node, port);
    if (!edge) {
      this.stuck("no_edge");
      return null;
    }
    return this.move(edge);
  }

  go(target: Next): void {
    if (target !== null) this.enter(target);
  }

  // Entering nodes: each enter* waits or ends (null) or names the next node to enter.

  /** Enter nodes until one waits or the play ends (a loop: chains can be long). */
  enter(nodeId: string | null): void {
    let target = nodeId;
    for (;;) {
      this.moves += 1;
      const scene = this.scene();
      if (this.moves > MAX_MOVES) return this.stuck("too_many_moves");
      const node = target === null ? undefined : scene?.nodes.get(target);
      if (!node) return this.stuck("unknown_node");
      Object.assign(this.st, { node: node.id, video: null, game: null });
      target = this.enterNode(node);
      if (target === null) return;
    }
  }

  private enterNode(node: SceneNode): Next {
    switch (node.type) {
      case "video":
        return this.enterVideo(node);
      case "choice":
        this.waitChoice(node);
        return null;
      case "condition": {
        const ok = holds(read(this.st.flags, node.flag), node.op, node.value);
        return this.leave(node, ok ? "true" : "false");
      }
      case "mini_game":
        this.startGame(node, null);
        return null;
      case "end":
        this.finish(node.id, node.outcome, node.message);
        return null;
      case "scene_call":
        return this.call(node);
      case "return":
        return this.return(node);
    }
  }

  private enterVideo(node: VideoNode): Next {
    const playlist = this.select(node);
    if (playlist.length === 0) return this.leave(node, null);
    const mode = node.playback.mode;
    this.st.video = { playlist, index: 0, step: mode === "progression" ? 0 : null };
    if (mode === "loop" && playlist.length === 1) this.waitChoice(node);
    else this.st.phase = "segment";
    return null;
  }

  private call(node: SceneNode & { type: "scene_call" }): Next {
    const callee = node.scene === null ? undefined : this.bundle.scenes.get(node.scene);
    if (!callee) {
      this.stuck("unknown_scene");
      return null;
    }
    if (this.st.stack.length >= MAX_STACK) {
      this.stuck("stack_overflow");
      return null;
    }
    const start = callee.doc.start;
    // Entering the callee's start is checked here, before the switch, as `enter` would
    // check it after: a play stuck there stands on the call, in the caller's scene.
    if (this.moves >= MAX_MOVES) {
      this.stuck("too_many_moves");
      return null;
    }
    if (start === null || !callee.nodes.has(start)) {
      this.stuck("unknown_node");
      return null;
    }
    const inner = clone(callee.doc.flags);
    for (const [name, expr] of Object.entries(node.bindings)) {
      inner[name] = evaluate(expr, this.st.flags);
    }
    this.st.stack.push({ scene: this.st.scene, node: node.id, flags: this.st.flags });
    Object.assign(this.st, { scene: callee.doc.id, flags: inner });
    return start;
  }

  private return(node: SceneNode & { type: "return" }): Next {
    const values = new Map(
      Object.entries(node.values).map(([name, e]) => [name, evaluate(e, this.st.flags)]),
    );
    const frame = this.st.stack.pop();
    if (!frame) {
      this.finish(node.id, "neutral", null);
      return null;
    }
    Object.assign(this.st, { scene: frame.scene, node: frame.node, flags: frame.flags });
    const call = this.scene()?.nodes.get(frame.node);
    if (!call || call.type !== "scene_call") {
      this.stuck("unknown_node");
      return null;
    }
    for (const [flag, name] of Object.entries(call.returns)) {
      if (values.has(name)) this.st.flags[flag] = clone(values.get(name)!);
    }
    if (node.port !== null && this.pick(call, node.port)) return this.leave(call, node.port);
    return this.leave(call, null);
  }

  // Waiting

  waitChoice(node: SceneNode): void {
    if (this.openEdges(node).length === 0) return this.stuck("no_option");
    this.st.phase = "choice";
  }

  startGame(spec: GameSpec, gate: number | null): void {
    const drawn = plan(spec, this.draws);
    this.st.game = { game: spec.game, config: spec.config, plan: drawn, gate } as State["game"];
    this.st.phase = "mini_game";
  }

  finish(nodeId: string | null, outcome: NonNullable<State["end"]>["outcome"], message: string | null) {
    Object.assign(this.st, { phase: "ended", video: null, game: null });
    this.st.end = { node: nodeId, outcome, message };
  }

  stuck(reason: string): void {
    this.finish(this.st.node, "stuck", reason);
  }

  // Inputs

  select(node: VideoNode): number[] {
    const candidates: number[] = [];
    node.media.forEach((m, i) => {
      if (m.asset_id !== null && !m.missing) candidates.push(i);
    });
    const selection = node.selection;
    if (selection.mode === "ordered") return candidates;
    if (candidates.length === 0) return [];
    if (selection.mode === "random") return [candidates[this.draws.below(candidates.length)]!];
    const pool = candidates.filter((i) => selection.tags.every((t) => node.media[i]!.tags.includes(t)));
    return this.draws.take(pool, selection.count);
  }

  segmentEnd(): void {
    const node = this.node() as VideoNode;
    const video = this.st.video!;
    if (node.playback.mode === "progression") {
      const steps = node.playback.steps;
      const step = video.step!;
      if (step + 1 >= steps.length) return this.go(this.leave(node, null));
      const gate = steps[step + 1]!.gate;
      if (gate !== null) return this.startGame(gate, step + 1);
      video.step = step + 1;
      return;
    }
    if (video.index + 1 >= video.playlist.length) return this.go(this.leave(node, null));
    video.index += 1;
    if (node.playback.mode === "loop" && video.index === video.playlist.length - 1) {
      this.waitChoice(node);
    }
  }

  miniGame(result: unknown): void {
    const game = this.st.game!;
    let points: number;
    let won: boolean;
    try {
      [points, won] = score(game, result);
    } catch (error) {
      if (error instanceof BadResult) throw new InvalidInput("bad_result", error.message);
      throw error;
    }
    const node = this.node();
    Object.assign(this.st, { game: null, phase: "segment" });
    if (game.gate !== null) {
      if (won) this.st.video!.step = game.gate;
      return;
    }
    if (node.type === "mini_game" && node.score_flag !== null) {
      this.st.flags[node.score_flag] = points;
    }
    this.go(this.leave(node, won ? "success" : "failure"));
  }

  decide(edgeId: string | null): void {
    const node = this.node();
    const offered = this.openEdges(node);
    let edge: Edge | undefined;
    if (edgeId === null) {
      if (node.type !== "choice" || node.timeout === null) {
        throw new InvalidInput("no_timeout", "this choice has no timeout");
      }
      edge = Run.timeoutEdge(offered);
    } else {
      edge = offered.find((e) => e.id === edgeId);
      if (!edge) throw new InvalidInput("option_not_offered", `${edgeId} is not an option now`);
    }
    this.remember();
    if (!edge) return this.stuck("no_option");
    this.enter(this.move(edge));
  }

  remember(): void {
    const { history, ...rest } = this.st;
    const snapshot: Snapshot = clone(rest);
    this.st.history = [...history, snapshot].slice(-MAX_HISTORY);
  }
}
