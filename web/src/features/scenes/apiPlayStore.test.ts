import { QueryClient } from "@tanstack/react-query";
import { applyEvent } from "src/api/events";
import { ApiPlayStore } from "src/features/scenes/apiPlayStore";
import { load, start } from "src/features/scenes/engine/engine";
import { PlayMovedOn, type PlayStore } from "src/features/scenes/player/store";
import { bundle, edge, node } from "src/features/scenes/player/testBundle";
import { stubFetch } from "src/test/render";

const scene = bundle(
  [node("ask", "choice", { prompt: null, timeout: null }), node("end", "end", { outcome: "neutral", message: null })],
  [edge("go", "ask", "end", { label: "Go" })],
);
const state = start(load(scene), 1);
const detail = { id: 4, scene_id: 1, version: 1, bundle: scene, state, status: "playing" };
const SEG = { kind: "segment_end" } as const;

const newStore = () => new ApiPlayStore(1, new QueryClient());
const patches = (calls: ReturnType<typeof stubFetch>) =>
  calls.filter((c) => c.method === "PATCH").map((c) => ({ ...JSON.parse(c.body), keepalive: c.keepalive }));

/** A promise and what settles it, for a request held under way. */
function held<T>() {
  let release!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (release = resolve));
  return { promise, release };
}

test("inputs go to the server in order, batched, each batch after the version it follows", async () => {
  let version = 1;
  const calls = stubFetch({
    "POST /api/v1/scenes/1/plays": { status: 201, body: detail },
    "PATCH /api/v1/plays/4": () => ({ body: { ...detail, version: ++version } }),
  });
  const store: PlayStore = newStore();
  const play = await store.begin();
  expect(play).toMatchObject({ id: "4", state });
  // Two inputs in quick succession go together; the next one follows the version they made.
  await Promise.all([
    store.record("4", [{ kind: "segment_end" }], state),
    store.record("4", [{ kind: "choice", edge: "go" }], state),
  ]);
  await store.record("4", [{ kind: "back" }], state);
  const patches = calls.filter((c) => c.method === "PATCH").map((c) => JSON.parse(c.body));
  expect(patches).toStrictEqual([
    { inputs: [{ kind: "segment_end" }, { kind: "choice", edge: "go" }], version: 1 },
    { inputs: [{ kind: "back" }], version: 2 },
  ]);
});

test("inputs that could not be sent go with the next save", async () => {
  let fail = true;
  const calls = stubFetch({
    "GET /api/v1/plays/4": { body: detail },
    "PATCH /api/v1/plays/4": () =>
      fail ? { status: 503, body: { error: { code: "unavailable", message: "down" } } } : { body: { ...detail, version: 2 } },
  });
  const store: PlayStore = newStore();
  await store.open("4");
  await expect(store.record("4", [{ kind: "segment_end" }], state)).rejects.toThrow("down");
  fail = false;
  await store.record("4", [], state); // "Save"
  const last = calls.filter((c) => c.method === "PATCH").at(-1)!;
  expect(JSON.parse(last.body)).toStrictEqual({ inputs: [{ kind: "segment_end" }], version: 1 });
});

test("the start screen lists the scene's saved plays", async () => {
  const calls = stubFetch({
    "GET /api/v1/plays": { body: { items: [{ ...detail, label: "Mine", updated_at: "2026-01-02T03:04:05Z" }] } },
  });
  expect(await newStore().slots()).toStrictEqual([
    { id: "4", label: "Mine", updatedAt: "2026-01-02T03:04:05Z", ended: false },
  ]);
  expect(calls[0]!.path).toBe("/api/v1/plays?scene_id=1&limit=10");
});

test("inputs still queued when the page is hidden go at once, in a request that outlives it", async () => {
  let fail = true;
  const calls = stubFetch({
    "GET /api/v1/plays/4": { body: detail },
    "PATCH /api/v1/plays/4": () =>
      fail ? { status: 503, body: { error: { code: "unavailable", message: "down" } } } : { body: { ...detail, version: 2 } },
  });
  const store = newStore();
  await store.open("4");
  await expect(store.record("4", [SEG])).rejects.toThrow("down");
  fail = false;
  store.leave();
  expect(calls.at(-1)).toMatchObject({ method: "PATCH", path: "/api/v1/plays/4" }); // sent before leave() returned
  await vi.waitFor(() => expect(patches(calls)).toHaveLength(2));
  expect(patches(calls)[1]).toStrictEqual({ inputs: [SEG], version: 1, keepalive: true });
  // Sent: the next save does not send it again, and follows the version it made.
  await store.record("4", [{ kind: "back" }]);
  expect(patches(calls).slice(2)).toStrictEqual([{ inputs: [{ kind: "back" }], version: 2, keepalive: false }]);
  store.leave(); // nothing queued: nothing sent
  expect(patches(calls)).toHaveLength(3);
});

test("on leaving during a save, the inputs after it follow it, and are not sent twice", async () => {
  const first = held<{ body: unknown }>();
  const calls = stubFetch({
    "GET /api/v1/plays/4": { body: detail },
    "PATCH /api/v1/plays/4": () => {
      const sent = patches(calls).length;
      return sent === 1 ? first.promise : { body: { ...detail, version: sent + 1 } };
    },
  });
  const store = newStore();
  await store.open("4");
  const saving = store.record("4", [SEG]);
  await vi.waitFor(() => expect(patches(calls)).toHaveLength(1));
  const later = store.record("4", [{ kind: "choice", edge: "go" }]);
  store.leave();
  await vi.waitFor(() => expect(patches(calls)).toHaveLength(2)); // answered: version 3
  first.release({ body: { ...detail, version: 2 } });
  await Promise.all([saving, later]);
  await store.record("4", [{ kind: "back" }]);
  expect(patches(calls)).toStrictEqual([
    { inputs: [SEG], version: 1, keepalive: false },
    { inputs: [{ kind: "choice", edge: "go" }], version: 2, keepalive: true },
    { inputs: [{ kind: "back" }], version: 3, keepalive: false },
  ]);
});

test("a play saved on another device is not saved over: heard as play.updated, or answered 409", async () => {
  let version = 1;
  const answer = held<{ body: unknown }>();
  const calls = stubFetch({
    "GET /api/v1/plays/4": () => ({ body: { ...detail, version } }),
    "PATCH /api/v1/plays/4": () => answer.promise,
  });
  const queryClient = new QueryClient();
  const store = new ApiPlayStore(1, queryClient);
  const heard = (v: number) => applyEvent(queryClient, "play.updated", JSON.stringify({ data: { id: 4, version: v } }));
  await store.open("4");
  const moved = vi.fn();
  const stop = store.watch("4", moved);
  // This device's own save, announced before its answer comes and after: not a move.
  const saving = store.record("4", [SEG]);
  await vi.waitFor(() => expect(patches(calls)).toHaveLength(1));
  heard(2);
  answer.release({ body: { ...detail, version: 2 } });
  await saving;
  heard(2);
  expect(moved).not.toHaveBeenCalled();
  // Another device saves: this one stops saving the play.
  heard(3);
  expect(moved).toHaveBeenCalledTimes(1);
  await expect(store.record("4", [SEG])).rejects.toBeInstanceOf(PlayMovedOn);
  expect(patches(calls)).toHaveLength(1);
  stop();

  // Reloaded, it goes on from the server's copy; a save that missed the news gets a 409.
  version = 3;
  expect(await store.open("4")).toMatchObject({ id: "4" });
  const again = vi.fn();
  store.watch("4", again);
  stubFetch({
    "PATCH /api/v1/plays/4": { status: 409, body: { error: { code: "version_conflict", message: "moved on", current_version: 5 } } },
  });
  await expect(store.record("4", [SEG])).rejects.toBeInstanceOf(PlayMovedOn);
  expect(again).toHaveBeenCalledTimes(1);
});

test("a saved play of another scene does not open", async () => {
  stubFetch({ "GET /api/v1/plays/4": { body: { ...detail, scene_id: 2 } } });
  await expect(newStore().open("4")).rejects.toThrow("That saved play is of another scene.");
});
