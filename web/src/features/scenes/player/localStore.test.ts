import { advance, load, start } from "src/features/scenes/engine/engine";
import type { Bundle } from "src/features/scenes/engine/types";
import { LocalPlayStore } from "src/features/scenes/player/localStore";
import { bundle, edge, node } from "src/features/scenes/player/testBundle";

const fork = () =>
  bundle(
    [node("ask", "choice", { prompt: null, timeout: null }), node("end", "end", { outcome: "neutral", message: null })],
    [edge("go", "ask", "end", { label: "Go" })],
  );
const begin = (b: Bundle, seed: number) => start(load(b), seed);

test("a play is kept in localStorage and resumed where it was", async () => {
  const b = fork();
  const store = new LocalPlayStore(b, begin);
  const play = await store.begin();
  expect(play.state.node).toBe("ask");
  const ended = advance(load(b), play.state, { kind: "choice", edge: "go" });
  await store.record(play.id, [{ kind: "choice", edge: "go" }], ended);

  const again = new LocalPlayStore(b, begin); // the page reloaded
  expect(await again.slots()).toStrictEqual([
    { id: play.id, label: null, updatedAt: expect.any(String), ended: true },
  ]);
  expect((await again.open(play.id)).state).toStrictEqual(ended);
});

test("an edited scene does not resume the plays of its earlier export", async () => {
  const b = fork();
  await new LocalPlayStore(b, begin).begin();
  const edited = { ...b, scenes: [{ ...b.scenes[0]!, title: "Edited" }] };
  expect(await new LocalPlayStore(edited, begin).slots()).toStrictEqual([]);
  expect(await new LocalPlayStore(b, begin).slots()).toHaveLength(1);
});

test("unreadable storage is no saved play", async () => {
  const b = fork();
  const store = new LocalPlayStore(b, begin);
  await store.begin();
  localStorage.setItem(localStorage.key(0)!, "{oops");
  expect(await store.slots()).toStrictEqual([]);
  await expect(store.open("nope")).rejects.toThrow("gone");
});
