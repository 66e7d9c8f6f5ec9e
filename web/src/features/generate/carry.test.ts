import type { Operation } from "src/api/providers";
import { chosenOf, operationFor, place } from "src/features/generate/carry";
import { asset } from "src/test/fixtures";

const slot = (role: string, media_type: string, max_count = 1) => ({
  role,
  label: role,
  help: "",
  media_type,
  min_count: 1,
  max_count,
  required: true,
});
const op = (type: string, label: string, inputs: ReturnType<typeof slot>[]): Operation => ({ type, label, help: "", params: [], inputs });

const t2v = op("text_to_video", "Text card", []);
const i2v = op("image_to_video", "Pan and zoom", [slot("source_image", "image")]);
const extend = op("video_extend", "Extend video", [slot("source_video", "video")]);
const fusion = op("fusion", "Composite", [slot("subject", "image"), slot("background", "image")]);
const video = asset(7, { media_type: "video", mime_type: "video/mp4" });
const [a, b, c] = [asset(1), asset(2), asset(3)];

describe("carried inputs", () => {
  it("go into the slots that take their media type, in order", () => {
    expect(place(fusion, [a, b])).toEqual({ inputs: { subject: [a], background: [b] }, unused: [] });
    expect(place(extend, [video]).inputs).toEqual({ source_video: [video] });
  });

  it("that fit no slot are kept aside, each with why", () => {
    expect(place(i2v, [video, a, b])).toEqual({
      inputs: { source_image: [a] },
      unused: [
        { asset: video, reason: "Pan and zoom takes no video" },
        { asset: b, reason: "Pan and zoom takes at most 1 image" },
      ],
    });
    expect(place(fusion, [a, b, c]).unused.map((u) => u.reason)).toEqual(["Composite takes at most 2 images"]);
  });

  it("are all kept, placed or not, for the next operation", () => {
    const { inputs, unused } = place(i2v, [video, a]);
    expect(chosenOf(i2v, inputs, unused)).toEqual([a, video]);
  });

  it("choose the operation that uses the most of them", () => {
    const ops = [t2v, i2v, extend, fusion];
    expect(operationFor(ops, [video])).toBe(extend);
    expect(operationFor(ops, [a])).toBe(i2v);
    expect(operationFor(ops, [a, b])).toBe(fusion);
    expect(operationFor(ops, [])).toBe(t2v);
    expect(operationFor([t2v, i2v], [video])).toBe(t2v); // none takes it: it shows as not used
    expect(operationFor([], [video])).toBeUndefined();
  });
});
