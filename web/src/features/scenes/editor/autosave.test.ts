import { ApiError } from "src/api/client";
import { Autosaver, type Draft } from "src/features/scenes/editor/autosave";
import { addNode, emptyDoc, newNode } from "src/features/scenes/editor/doc";
import type { SceneRead } from "src/features/scenes/editor/scene";

const scene = (version: number, problems: SceneRead["problems"] = []) => ({ version, problems }) as SceneRead;

function setup(answer: (draft: Draft, version: number) => Promise<SceneRead>) {
  const calls: [Draft, number][] = [];
  const initial = { doc: emptyDoc(), title: "T" };
  const saver = new Autosaver(
    (draft, version) => {
      calls.push([draft, version]);
      return answer(draft, version);
    },
    initial,
    1,
    [],
    500,
  );
  return { saver, calls, initial };
}

const edited = (n: number): Draft => ({ doc: addNode(emptyDoc(), newNode("video", `v${n}`, null)), title: "T" });

describe("autosave", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("saves once, a while after the last of several changes, with the version", async () => {
    const { saver, calls } = setup(async (_d, v) => scene(v + 1, [{ code: "dead_end", severity: "error", message: "m" }]));
    saver.update(edited(1));
    await vi.advanceTimersByTimeAsync(300);
    saver.update(edited(2));
    expect(saver.state.status).toBe("pending");
    await vi.advanceTimersByTimeAsync(499);
    expect(calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.map(([d, v]) => [d.doc.nodes[0]?.id, v])).toEqual([["v2", 1]]);
    expect(saver.state).toMatchObject({ status: "saved", version: 2 });
    expect(saver.state.problems.map((p) => p.code)).toEqual(["dead_end"]);
  });

  it("saves a change made during a save after it, on the new version", async () => {
    let release: (s: SceneRead) => void = () => {};
    const { saver, calls } = setup((_d, v) => new Promise((resolve) => (release = () => resolve(scene(v + 1)))));
    saver.update(edited(1));
    await vi.advanceTimersByTimeAsync(500);
    saver.update(edited(2));
    release(scene(2));
    await vi.advanceTimersByTimeAsync(0);
    expect(saver.state.status).toBe("pending");
    await vi.advanceTimersByTimeAsync(500);
    release(scene(3));
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.map(([, v]) => v)).toEqual([1, 2]);
    expect(saver.state).toMatchObject({ status: "saved", version: 3 });
    expect(saver.dirty).toBe(false);
  });

  it("stops at a 409 until told to overwrite, then saves on the version given", async () => {
    let conflict = true;
    const { saver, calls } = setup(async (_d, v) => {
      if (conflict) throw new ApiError(409, "version_conflict", "the scene changed", {}, { current_version: 5 });
      return scene(v + 1);
    });
    saver.update(edited(1));
    await vi.advanceTimersByTimeAsync(500);
    expect(saver.state.status).toBe("conflict");
    saver.update(edited(2));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(calls).toHaveLength(1);
    conflict = false;
    expect(await saver.overwrite(5)).toBe(true);
    expect(calls.map(([d, v]) => [d.doc.nodes[0]?.id, v])).toEqual([["v1", 1], ["v2", 5]]);
    expect(saver.state).toMatchObject({ status: "saved", version: 6 });
  });

  it("shows a refusal's problems and retries other failures, waiting longer", async () => {
    let answer: () => SceneRead = () => {
      throw new ApiError(422, "scene_invalid", "cannot be saved", {}, {
        problems: [{ code: "edge_target_missing", severity: "error", message: "m", edge: "e1" }],
      });
    };
    const { saver, calls } = setup(async () => answer());
    saver.update(edited(1));
    await vi.advanceTimersByTimeAsync(500);
    expect(saver.state.status).toBe("refused");
    expect(saver.state.problems.map((p) => p.code)).toEqual(["edge_target_missing"]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(calls).toHaveLength(1); // waits for the next change
    answer = () => {
      throw new TypeError("Failed to fetch");
    };
    saver.update(edited(2));
    await vi.advanceTimersByTimeAsync(500);
    expect(saver.state.status).toBe("failed");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(calls).toHaveLength(3);
    answer = () => scene(2);
    await vi.advanceTimersByTimeAsync(4_000);
    expect(calls).toHaveLength(4);
    expect(saver.state.status).toBe("saved");
  });

  it("takes the server's copy as saved, and saves what differs from it", async () => {
    const { saver, calls } = setup(async (_d, v) => scene(v + 1));
    const remote = edited(9);
    saver.update(remote);
    saver.adopt(remote, 4, []);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(calls).toHaveLength(0);
    expect(saver.state).toMatchObject({ status: "saved", version: 4 });
  });
});
