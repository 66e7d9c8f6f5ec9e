import { historyOf, MAX_STEPS, record, redo, replace, seal, undo } from "src/features/scenes/editor/history";

describe("undo and redo", () => {
  it("steps back and forth, and a new edit drops what was undone", () => {
    let h = record(record(historyOf("a"), "b"), "c");
    h = undo(h);
    expect(h.present).toBe("b");
    h = redo(h);
    expect(h.present).toBe("c");
    h = record(undo(undo(h)), "x");
    expect([h.past, h.present, h.future]).toEqual([["a"], "x", []]);
    expect(undo(undo(h))).toEqual(undo(h)); // nothing before the first
    expect(redo(h)).toBe(h);
  });

  it("merges edits with the same key until sealed", () => {
    let h = record(historyOf(""), "h", "title");
    h = record(h, "he", "title");
    h = record(h, "hel", "title");
    expect(undo(h).present).toBe("");
    h = record(seal(h), "help", "title");
    expect(undo(h).present).toBe("hel");
    expect(record(h, h.present, "title")).toBe(h);
  });

  it("counts a replacement from outside as a step and keeps a bounded past", () => {
    let h = replace(record(historyOf(0), 1, "k"), 2);
    expect(undo(h).present).toBe(1);
    for (let i = 3; i < MAX_STEPS + 50; i++) h = record(h, i);
    expect(h.past).toHaveLength(MAX_STEPS);
  });
});
