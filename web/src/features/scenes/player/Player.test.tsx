import { act, fireEvent, render, screen } from "@testing-library/react";
import { advance, load, start } from "src/features/scenes/engine/engine";
import type { Bundle } from "src/features/scenes/engine/types";
import { MemoryGame } from "src/features/scenes/player/MemoryGame";
import { LocalPlayStore } from "src/features/scenes/player/localStore";
import { Player } from "src/features/scenes/player/Player";
import { bundle, edge, node } from "src/features/scenes/player/testBundle";

const SEED = 5;
const MEMORY = { length: 2, symbols: ["sun", "moon", "star"], show_ms: 100 };
const REFLEX = { rounds: 2, min_delay_ms: 100, max_delay_ms: 900, window_ms: 500, success_ratio: 1 };

function scene(game: "memory" | "reflex"): Bundle {
  return bundle(
    [
      node("ask", "choice", { prompt: "Ready?", timeout: { seconds: 2 } }),
      node("game", "mini_game", { game, config: game === "memory" ? MEMORY : REFLEX, score_flag: null }),
      node("win", "end", { outcome: "success", message: "Well done" }),
      node("lose", "end", { outcome: "failure", message: "Too bad" }),
      node("idle", "end", { outcome: "neutral", message: "Timed out" }),
    ],
    [
      edge("play", "ask", "game", { label: "Play the game" }),
      edge("wait", "ask", "idle", { label: "Wait", is_default: true }),
      edge("s", "game", "win", { port: "success" }),
      edge("f", "game", "lose", { port: "failure" }),
    ],
  );
}

/** Open the player and start a play (the store answers in a microtask: flushed here). */
async function open(b: Bundle) {
  const store = new LocalPlayStore(b, (given) => start(load(given), SEED));
  render(<Player title="Test scene" store={store} mediaUrl={(p) => p} />);
  await act(async () => {});
  fireEvent.click(screen.getByRole("button", { name: "Play" }));
  await act(async () => {});
}

/** The state the test's play is in once the game starts, computed by the engine. */
function atGame(b: Bundle) {
  const loaded = load(b);
  return advance(loaded, start(loaded, SEED), { kind: "choice", edge: "play" });
}

const key = (k: string, code = k) => fireEvent.keyDown(window, { key: k, code });

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "requestAnimationFrame", "cancelAnimationFrame", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

test("a number key chooses; the memory game is repeated with number keys; back returns to the choice", async () => {
  const b = scene("memory");
  await open(b);
  expect(screen.getByRole("group", { name: "Ready?" })).toBeInTheDocument();
  expect(screen.getByRole("timer")).toHaveTextContent("2 s");
  key("1");
  expect(screen.getByText("Watch: 1 of 2")).toBeInTheDocument();
  for (let ms = 0; ms < 2 * (100 + 150); ms += 50) act(() => vi.advanceTimersByTime(50));
  expect(screen.getByText("Repeat: 0 of 2")).toBeInTheDocument();
  const sequence = (atGame(b).game!.plan as { sequence: number[] }).sequence;
  for (const symbol of sequence) key(String(symbol + 1));
  expect(screen.getByRole("heading", { name: "You made it" })).toBeInTheDocument();
  expect(screen.getByText("Well done")).toBeInTheDocument();

  fireEvent.click(screen.getByRole("button", { name: "Back to the last choice" }));
  expect(screen.getByRole("group", { name: "Ready?" })).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Back" })).toBeDisabled();
});

test("the memory game counts every key of a quick run, pressed before the screen catches up", () => {
  const onDone = vi.fn();
  render(<MemoryGame config={MEMORY} sequence={[2, 0]} onDone={onDone} />);
  for (let ms = 0; ms < 2 * (100 + 150); ms += 50) act(() => vi.advanceTimersByTime(50));
  act(() => {
    key("3");
    key("1");
    key("2"); // after the end: not counted
  });
  expect(onDone.mock.calls).toEqual([[[2, 0]]]);
});

test("a timed choice takes its default when the countdown runs out", async () => {
  await open(scene("memory"));
  expect(screen.getByRole("timer")).toHaveTextContent("2 s");
  act(() => vi.advanceTimersByTime(1200));
  expect(screen.getByRole("timer")).toHaveTextContent("1 s");
  act(() => vi.advanceTimersByTime(1000));
  expect(screen.getByRole("heading", { name: "The end" })).toBeInTheDocument();
  expect(screen.getByText("Timed out")).toBeInTheDocument();
});

test("the reflex game counts a hit within the window after the cue, and none before it", async () => {
  const b = scene("reflex");
  await open(b);
  fireEvent.click(screen.getByRole("button", { name: "Play the game" }));
  const [first, second] = (atGame(b).game!.plan as { delays_ms: number[] }).delays_ms;
  expect(screen.getByText("Wait for it…")).toBeInTheDocument();
  act(() => vi.advanceTimersByTime(first! + 120));
  expect(screen.getByText("Hit!")).toBeInTheDocument();
  key(" ", "Space");
  expect(screen.getByText("120 ms", { exact: false })).toBeInTheDocument();
  act(() => vi.advanceTimersByTime(600)); // the round's feedback
  key(" ", "Space"); // before the second cue: too early, no time
  expect(screen.getByText("Too early")).toBeInTheDocument();
  act(() => vi.advanceTimersByTime(600 + second!));
  expect(screen.getByRole("heading", { name: "Game over" })).toBeInTheDocument();
  const saved = JSON.parse(Object.values({ ...localStorage })[0] as string)[0].state;
  expect(saved.end).toStrictEqual({ node: "lose", outcome: "failure", message: "Too bad" });
});
