import { draftAssetIds, draftFromJob, loadDraft, parseDraft, saveDraft } from "src/features/generate/draft";

describe("the Generate draft", () => {
  it("is made from a job: its parameters as the form shows them, its inputs by slot", () => {
    const { draft, skipped } = draftFromJob({
      provider_id: "pixverse",
      operation_type: "transition",
      params: { prompt: "a fox", duration: 5, loop: true, durations: [2, 3], motion: null },
      inputs: [
        { role: "frames", asset_id: 4 },
        { role: "frames", asset_id: 9 },
        { role: "frames", job_id: 12 },
        { role: "audio", url: "https://example.com/a.mp3" },
      ],
      priority: 10,
    });
    expect(draft).toEqual({
      providerId: "pixverse",
      operationType: "transition",
      values: { prompt: "a fox", duration: "5", loop: true, durations: "2, 3" },
      inputs: { frames: [4, 9] },
      count: 1,
      priority: 10,
    });
    expect(skipped).toEqual(["frames: the output of job #12, not made yet", "audio: a URL not fetched yet (https://example.com/a.mp3)"]);
    expect(draftAssetIds(draft)).toEqual([4, 9]);
  });

  it("takes what a URL or another job's output became once the job was submitted", () => {
    const { draft, skipped } = draftFromJob({
      provider_id: "local",
      operation_type: "video_transition",
      params: {},
      inputs: [
        { role: "images", job_id: 12, resolved_asset_id: 30 },
        { role: "images", url: "https://example.com/x.png", resolved_asset_id: 31 },
        { role: "images", asset_id: 5 },
      ],
      priority: 0,
    });
    expect(draft.inputs).toEqual({ images: [30, 31, 5] });
    expect(skipped).toEqual([]);
  });

  it("survives a reload, and a stored one this version cannot read is no draft", () => {
    const { draft } = draftFromJob({ provider_id: "local", operation_type: "text_to_video", params: { prompt: "x" }, inputs: [], priority: 0 });
    saveDraft({ ...draft, count: 3 });
    expect(loadDraft()).toEqual({ ...draft, count: 3 });
    expect(parseDraft("{nope")).toBeNull();
    expect(parseDraft(JSON.stringify({ providerId: 1 }))).toBeNull();
    const odd = parseDraft(JSON.stringify({ providerId: "a", operationType: "b", values: { x: 1, y: "2" }, inputs: { r: [1, -2, "3"] }, count: 99 }));
    expect(odd).toEqual({ providerId: "a", operationType: "b", values: { y: "2" }, inputs: { r: [1] }, count: 20, priority: 0 });
  });
});
