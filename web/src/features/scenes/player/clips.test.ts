import { advance, load, start } from "src/features/scenes/engine/engine";
import type { VideoNode } from "src/features/scenes/engine/types";
import { clipOf, gameResults, upcomingClips, type Media } from "src/features/scenes/player/clips";
import { bundle, edge, node, video } from "src/features/scenes/player/testBundle";

const media = (b: ReturnType<typeof bundle>): Media => ({ assets: b.assets, url: (p) => `/base/${p}` });

test("a normal entry plays its own range of its file", () => {
  const b = bundle(
    [video("v", [1, 2]), node("end", "end", { outcome: "neutral", message: null })],
    [edge("e", "v", "end")],
    [1, 2],
  );
  (b.scenes[0]!.nodes[0] as VideoNode).media[1]!.start = 1.5;
  const loaded = load(b);
  let state = start(loaded, 0);
  expect(clipOf(loaded, media(b), state)).toMatchObject({ key: "1@0", src: "/base/media/1.mp4", start: 0, end: null });
  state = advance(loaded, state, { kind: "segment_end" });
  expect(clipOf(loaded, media(b), state)).toMatchObject({ key: "2@1.5", start: 1.5, loop: null });
  state = advance(loaded, state, { kind: "segment_end" });
  expect(clipOf(loaded, media(b), state)).toBeNull();
});

test("a loop's last entry loops, a progression plays its steps on the first entry", () => {
  const steps = [
    { label: "One", start: 0, end: 1, gate: null },
    { label: "Two", start: 1, end: 2.5, gate: null },
  ];
  const b = bundle(
    [
      video("loop", [1], { playback: { mode: "loop", start: 0.5, end: null } }),
      video("climb", [2], { playback: { mode: "progression", steps } }),
      node("end", "end", { outcome: "success", message: null }),
    ],
    [edge("go", "loop", "climb", { label: "Go" }), edge("e", "climb", "end")],
    [1, 2],
  );
  const loaded = load(b);
  let state = start(loaded, 0);
  expect(state.phase).toBe("choice");
  expect(clipOf(loaded, media(b), state)).toMatchObject({ start: 0, end: null, loop: { start: 0.5, end: null } });
  state = advance(loaded, state, { kind: "choice", edge: "go" });
  expect(clipOf(loaded, media(b), state)).toMatchObject({ key: "2@0", start: 0, end: 1 });
  state = advance(loaded, state, { kind: "segment_end" });
  expect(clipOf(loaded, media(b), state)).toMatchObject({ key: "2@1", start: 1, end: 2.5 });
});

test("the clips behind a choice are named while the video before it plays", () => {
  const b = bundle(
    [
      video("intro", [1]),
      node("fork", "choice", { prompt: "Where?", timeout: { seconds: 3 } }),
      video("left", [2]),
      // A random pick among three: the engine's draw names the one clip that will play.
      video("right", [3, 4, 5], { selection: { mode: "random" } }),
      node("end", "end", { outcome: "neutral", message: null }),
    ],
    [
      edge("e0", "intro", "fork"),
      edge("l", "fork", "left"),
      edge("r", "fork", "right", { is_default: true }),
      edge("e1", "left", "end"),
      edge("e2", "right", "end"),
    ],
    [1, 2, 3, 4, 5],
  );
  const loaded = load(b);
  const state = start(loaded, 7);
  const upcoming = upcomingClips(loaded, media(b), state);
  const atFork = advance(loaded, state, { kind: "segment_end" });
  const right = clipOf(loaded, media(b), advance(loaded, atFork, { kind: "choice", edge: "r" }));
  expect(upcoming.map((c) => c.key)).toStrictEqual(["2@0", right!.key]);
  // At the fork itself: the same two (the timeout takes the default, already named).
  expect(upcomingClips(loaded, media(b), atFork).map((c) => c.key)).toStrictEqual(["2@0", right!.key]);
});

test("a won and a lost game are results the engine takes", () => {
  const b = bundle(
    [
      node("g", "mini_game", {
        game: "memory",
        config: { length: 3, symbols: ["a", "b"], show_ms: 100 },
        score_flag: null,
      }),
      node("win", "end", { outcome: "success", message: null }),
      node("lose", "end", { outcome: "failure", message: null }),
    ],
    [edge("s", "g", "win", { port: "success" }), edge("f", "g", "lose", { port: "failure" })],
  );
  const loaded = load(b);
  const state = start(loaded, 3);
  const [won, lost] = gameResults(state.game!);
  expect(advance(loaded, state, won!).end?.outcome).toBe("success");
  expect(advance(loaded, state, lost!).end?.outcome).toBe("failure");
});
