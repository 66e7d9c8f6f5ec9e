import { following } from "src/api/logs";

const ended = Date.parse("2026-03-01T10:01:00Z");
const job = (status: string, asset_id: number | null = null) => ({
  status,
  asset_id,
  updated_at: "2026-03-01T10:01:00Z",
});
const stages = (...names: string[]) => names.map((stage) => ({ stage }));

describe("following a job's timeline", () => {
  it("follows a job that moves", () => {
    expect(following(job("pending"), [], ended + 3_600_000)).toBe(true);
    expect(following(job("processing"), stages("created", "claimed"), ended)).toBe(true);
  });

  it("follows an ended job until its last stage is in", () => {
    expect(following(job("completed", 9), stages("created", "completed"), ended + 1_000)).toBe(true);
    expect(following(job("completed", 9), stages("completed", "ingested"), ended + 1_000)).toBe(false);
    expect(following(job("completed"), stages("completed"), ended + 1_000)).toBe(false);
    expect(following(job("failed"), stages("claimed", "failed"), ended + 1_000)).toBe(false);
  });

  it("stops half a minute after the end when the last stage never comes (logs not stored)", () => {
    expect(following(job("cancelled"), [], ended + 29_000)).toBe(true);
    expect(following(job("cancelled"), [], ended + 31_000)).toBe(false);
  });
});
