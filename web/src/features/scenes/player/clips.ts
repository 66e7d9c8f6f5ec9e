/**
 * What the player shows: the clip the engine state is playing, and the clips the next
 * inputs can lead to. The engine is deterministic, so advancing a copy of the state by every
 * input it can take next (each option, a timeout, a won and a lost game, a segment's end)
 * names exactly the clips to preload, random and pool selections included.
 */
import { advance, options, type Loaded } from "src/features/scenes/engine/engine";
import type { BundleAsset, GameState, Input, State, VideoNode } from "src/features/scenes/engine/types";

/** One stretch of one file: what a <video> element plays for a segment or a loop. */
export interface Clip {
  /** The file and the time it starts at: a preloaded element of that key can play it. */
  key: string;
  assetId: number;
  src: string;
  poster: string | null;
  start: number;
  /** null: the file's end. */
  end: number | null;
  /** A loop video's last entry repeats this stretch once it reaches `end`. */
  loop: { start: number; end: number | null } | null;
}

/** Turns a bundle's `src`/`poster` into a URL: server paths in the app, relative files in an export. */
export type MediaUrl = (path: string) => string;

export interface Media {
  assets: Record<string, BundleAsset>;
  url: MediaUrl;
}

function videoNode(loaded: Loaded, state: State): VideoNode | null {
  const node = state.node === null ? undefined : loaded.scenes.get(state.scene)?.nodes.get(state.node);
  return node?.type === "video" ? node : null;
}

/** The clip the state is playing (a segment, a progression step or a loop), or null. */
export function clipOf(loaded: Loaded, media: Media, state: State): Clip | null {
  const node = videoNode(loaded, state);
  const video = state.video;
  if (!node || !video || state.phase === "ended") return null;
  const playback = node.playback;
  const index = playback.mode === "progression" ? video.playlist[0] : video.playlist[video.index];
  const entry = index === undefined ? undefined : node.media[index];
  const asset = entry?.asset_id == null ? undefined : media.assets[String(entry.asset_id)];
  if (!entry || !asset || entry.asset_id === null) return null;
  let start = entry.start ?? 0;
  let end = entry.end;
  let loop: Clip["loop"] = null;
  if (playback.mode === "progression") {
    const step = playback.steps[video.step ?? 0]!;
    [start, end] = [step.start, step.end];
  } else if (playback.mode === "loop" && video.index === video.playlist.length - 1) {
    loop = { start: playback.start ?? start, end: playback.end ?? end };
    end = loop.end;
  }
  return {
    key: `${entry.asset_id}@${start}`,
    assetId: entry.asset_id,
    src: media.url(asset.src),
    poster: asset.poster === null ? null : media.url(asset.poster),
    start,
    end,
    loop,
  };
}

/** A game won and a game lost, as results the engine accepts. */
export function gameResults(game: GameState): Input[] {
  if (game.game === "reflex") {
    const rounds = game.config.rounds;
    return [
      { kind: "mini_game", result: { reaction_ms: Array<number>(rounds).fill(0) } },
      { kind: "mini_game", result: { reaction_ms: Array<null>(rounds).fill(null) } },
    ];
  }
  const sequence = "sequence" in game.plan ? game.plan.sequence : [];
  return [
    { kind: "mini_game", result: { entered: sequence } },
    { kind: "mini_game", result: { entered: [] } },
  ];
}

/** Every input the state can take next, but `back`. */
export function nextInputs(loaded: Loaded, state: State): Input[] {
  switch (state.phase) {
    case "segment":
      return [{ kind: "segment_end" }];
    case "choice": {
      const offered = options(loaded, state);
      const choices: Input[] = offered.options.map((o) => ({ kind: "choice", edge: o.edge }));
      return offered.timeout ? [...choices, { kind: "timeout" }] : choices;
    }
    case "mini_game":
      return state.game ? gameResults(state.game) : [];
    case "ended":
      return [];
  }
}

/**
 * The clips the next inputs lead to, nearest first, without duplicates. A path that reaches
 * no clip at once (a choice node, a game) is followed one input further, so the clips behind
 * a choice are ready while the video before it still plays.
 */
export function upcomingClips(loaded: Loaded, media: Media, state: State, depth = 2, limit = 8): Clip[] {
  const found = new Map<string, Clip>();
  let frontier = [state];
  for (let level = 0; level < depth && frontier.length > 0; level++) {
    const next: State[] = [];
    for (const from of frontier) {
      for (const input of nextInputs(loaded, from)) {
        const to = advance(loaded, from, input);
        const clip = clipOf(loaded, media, to);
        if (clip) {
          if (found.size < limit && !found.has(clip.key)) found.set(clip.key, clip);
        } else if (to.phase !== "ended") {
          next.push(to);
        }
      }
    }
    frontier = next;
  }
  return [...found.values()];
}
