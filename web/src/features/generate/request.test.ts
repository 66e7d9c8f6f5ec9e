import type { Operation } from "src/api/providers";
import { placeErrors, toRequest, touchedErrors } from "src/features/generate/request";
import { asset, param } from "src/test/fixtures";

const operation: Operation = {
  type: "transition",
  label: "Transition",
  help: "",
  params: [param("prompt", "text", { required: true }), param("seed", "integer")],
  inputs: [
    { role: "first", label: "First", help: "", media_type: "image", min_count: 1, max_count: 1, required: true },
    { role: "frames", label: "Frames", help: "", media_type: "image", min_count: 1, max_count: 3, required: true },
  ],
};
// Picked in another order than the spec's: the request still follows the spec.
const inputs = { frames: [asset(21), asset(22)], first: [asset(10)] };

describe("the job request", () => {
  it("sends inputs in the spec's slot order, params typed", () => {
    const request = toRequest({ providerId: "p", operation, values: { prompt: " hi ", seed: "4" }, inputs, priority: 2 });
    expect(request).toEqual({
      provider_id: "p",
      operation_type: "transition",
      params: { prompt: "hi", seed: 4 },
      inputs: [
        { role: "first", asset_id: 10 },
        { role: "frames", asset_id: 21 },
        { role: "frames", asset_id: 22 },
      ],
      priority: 2,
    });
  });

  it("traces inputs.<index> errors back to their slot and item, and keeps the rest", () => {
    const placed = placeErrors(
      {
        "inputs.0": "asset not found",
        "inputs.2": "asset not found",
        "inputs.2.asset_id": "not an integer",
        "inputs.frames": "needs 1 to 3 image(s), got 4",
        "params.seed": "at most 10",
        "params.ghost": "unknown",
        "inputs.9": "out of range",
        priority: "too high",
      },
      operation,
      inputs,
    );
    expect(placed.slots).toEqual({
      first: { items: { 0: "asset not found" } },
      frames: { slot: "needs 1 to 3 image(s), got 4", items: { 1: "asset not found; asset_id: not an integer" } },
    });
    expect(placed.params).toEqual({ seed: "at most 10" });
    expect(placed.other).toEqual({ "params.ghost": "unknown", "inputs.9": "out of range", priority: "too high" });
  });

  it("shows live errors only for what was touched", () => {
    const placed = placeErrors({ "params.prompt": "required", "params.seed": "at most 10", "inputs.1": "gone" }, operation, inputs);
    const shown = touchedErrors(placed, new Set(["params.seed", "inputs.frames"]));
    expect(shown.params).toEqual({ seed: "at most 10" });
    expect(shown.slots).toEqual({ frames: { items: { 0: "gone" } } });
  });
});
