import { addNode, connect, emptyDoc, newNode, type SceneDoc } from "src/features/scenes/editor/doc";
import { emptyVideoNodes, nextClip, previousClip } from "src/features/scenes/editor/sources";

const media = (id: number) => ({ asset_id: id, missing: false, start: null, end: null, tags: [] });

function chain(): SceneDoc {
  let doc = emptyDoc();
  doc = addNode(doc, { ...newNode("video", "intro", null), media: [media(1), media(2)] } as never);
  doc = addNode(doc, newNode("choice", "fork", null));
  doc = addNode(doc, newNode("video", "left", null));
  doc = addNode(doc, { ...newNode("video", "right", null), media: [media(7)] } as never);
  for (const [a, b] of [["intro", "fork"], ["fork", "left"], ["fork", "right"], ["left", "right"]]) doc = connect(doc, a!, null, b!)[0];
  return doc;
}

describe("clips around a node", () => {
  it("finds the clip before a node through choices, and the one after it", () => {
    const doc = chain();
    expect(previousClip(doc, "left")).toBe(2);
    expect(previousClip(doc, "intro")).toBeNull();
    expect(nextClip(doc, "left")).toBe(7);
    expect(emptyVideoNodes(doc)).toEqual(["left"]);
  });
});
