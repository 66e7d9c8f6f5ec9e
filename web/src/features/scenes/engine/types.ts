/**
 * The scene format `pixsim7.scene/1` and the engine's state `pixsim7.state/1`, as the engine
 * reads them: normalized, every field present (docs/scenes.md §1 and §4).
 */

export type Scalar = boolean | number | string;
export type Value = Scalar | Scalar[] | null;
export type Flags = Record<string, Value>;

export type ConditionOp = "eq" | "neq" | "gt" | "lt" | "gte" | "lte" | "includes";
export type EffectOp = "set" | "inc" | "dec" | "push" | "toggle";

export interface Condition {
  flag: string;
  op: ConditionOp;
  value: Value;
}

export interface Effect {
  flag: string;
  op: EffectOp;
  value: Value;
}

export type Expr = { flag: string } | { value: Value };

export interface ReflexConfig {
  rounds: number;
  min_delay_ms: number;
  max_delay_ms: number;
  window_ms: number;
  success_ratio: number;
}

export interface MemoryConfig {
  length: number;
  symbols: string[];
  show_ms: number;
}

export type GameSpec =
  | { game: "reflex"; config: ReflexConfig }
  | { game: "memory"; config: MemoryConfig };

export interface Media {
  asset_id: number | null;
  missing: boolean;
  start: number | null;
  end: number | null;
  tags: string[];
}

export interface Step {
  label: string;
  start: number;
  end: number;
  gate: GameSpec | null;
}

export type Selection =
  | { mode: "ordered" }
  | { mode: "random" }
  | { mode: "pool"; tags: string[]; count: number };

export type Playback =
  | { mode: "normal" }
  | { mode: "loop"; start: number | null; end: number | null }
  | { mode: "progression"; steps: Step[] };

interface NodeBase {
  id: string;
  label: string | null;
  position: { x: number; y: number } | null;
}

export interface VideoNode extends NodeBase {
  type: "video";
  media: Media[];
  selection: Selection;
  playback: Playback;
}

export interface ChoiceNode extends NodeBase {
  type: "choice";
  prompt: string | null;
  timeout: { seconds: number } | null;
}

export interface ConditionNode extends NodeBase {
  type: "condition";
  flag: string;
  op: ConditionOp;
  value: Value;
}

export type MiniGameNode = NodeBase & GameSpec & { type: "mini_game"; score_flag: string | null };

export interface EndNode extends NodeBase {
  type: "end";
  outcome: "success" | "failure" | "neutral";
  message: string | null;
}

export interface SceneCallNode extends NodeBase {
  type: "scene_call";
  scene: number | null;
  missing: boolean;
  bindings: Record<string, Expr>;
  returns: Record<string, string>;
}

export interface ReturnNode extends NodeBase {
  type: "return";
  port: string | null;
  values: Record<string, Expr>;
}

export type SceneNode =
  | VideoNode
  | ChoiceNode
  | ConditionNode
  | MiniGameNode
  | EndNode
  | SceneCallNode
  | ReturnNode;

export interface Edge {
  id: string;
  from: string;
  to: string;
  port: string | null;
  label: string | null;
  conditions: Condition[];
  effects: Effect[];
  is_default: boolean;
}

export interface BundleScene {
  id: number;
  title: string;
  description: string | null;
  start: string | null;
  flags: Flags;
  nodes: SceneNode[];
  edges: Edge[];
}

export interface BundleAsset {
  media_type: string;
  mime_type: string;
  duration: number | null;
  width: number | null;
  height: number | null;
  src: string;
  poster: string | null;
}

export interface Bundle {
  format: "pixsim7.scene/1";
  root: number;
  scenes: BundleScene[];
  assets: Record<string, BundleAsset>;
}

export type Phase = "segment" | "choice" | "mini_game" | "ended";
export type Outcome = "success" | "failure" | "neutral" | "stuck";

export interface Frame {
  scene: number;
  node: string;
  flags: Flags;
}

export interface VideoState {
  playlist: number[];
  index: number;
  step: number | null;
}

export type GamePlan = { delays_ms: number[] } | { sequence: number[] };

export type GameState = GameSpec & { plan: GamePlan; gate: number | null };

export interface EndState {
  node: string | null;
  outcome: Outcome;
  message: string | null;
}

export interface Snapshot {
  format: "pixsim7.state/1";
  root: number;
  scene: number;
  node: string | null;
  phase: Phase;
  flags: Flags;
  stack: Frame[];
  video: VideoState | null;
  game: GameState | null;
  rng: number;
  end: EndState | null;
}

export interface State extends Snapshot {
  history: Snapshot[];
}

export type GameResult = { reaction_ms: (number | null)[] } | { entered: number[] };

export type Input =
  | { kind: "segment_end" }
  | { kind: "choice"; edge: string }
  | { kind: "timeout" }
  | { kind: "mini_game"; result: GameResult }
  | { kind: "back" };

export interface Option {
  edge: string;
  label: string | null;
  to: string;
  is_default: boolean;
}

export interface Options {
  options: Option[];
  timeout: { seconds: number; edge: string | null } | null;
}
