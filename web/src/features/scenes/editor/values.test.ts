import { addNode, connect, emptyDoc, newNode, type SceneDoc, updateEdge } from "src/features/scenes/editor/doc";
import { flagNames } from "src/features/scenes/editor/flagNames";
import { convert, kindOf, parseList } from "src/features/scenes/editor/values";

describe("flag values", () => {
  it("types lists item by item and converts between kinds", () => {
    expect(parseList("a, 2, true, -3, 1.5,")).toEqual(["a", 2, true, -3, "1.5"]);
    expect(kindOf([1])).toBe("list");
    expect(kindOf(null)).toBe("none");
    expect(convert("12", "integer")).toBe(12);
    expect(convert("x", "integer")).toBe(0);
    expect(convert(["a", 1], "text")).toBe("a, 1");
    expect(convert(3, "list")).toEqual([3]);
  });

  it("suggests every flag the scene uses", () => {
    let doc: SceneDoc = { ...emptyDoc(), flags: { gold: 0 } };
    doc = addNode(doc, { ...newNode("condition", "c", null), flag: "torch" } as never);
    doc = addNode(doc, { ...newNode("mini_game", "g", null), score_flag: "hits" } as never);
    const [withEdge, id] = connect(doc, "c", "true", "g");
    doc = updateEdge(withEdge, id, {
      conditions: [{ flag: "brave", op: "eq", value: true }],
      effects: [{ flag: "visited", op: "push", value: "cave" }],
    });
    expect(flagNames(doc)).toEqual(["brave", "gold", "hits", "torch", "visited"]);
  });
});
