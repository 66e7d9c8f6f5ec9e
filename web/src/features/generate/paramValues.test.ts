import type { Operation } from "src/api/providers";
import { initialValues, toParams } from "src/features/generate/paramValues";

const param = (name: string, type: string, extra: object = {}) => ({
  name,
  type,
  label: name,
  help: "",
  required: false,
  ...extra,
});

const operation: Operation = {
  type: "image_to_video",
  label: "op",
  help: "",
  inputs: [],
  params: [
    param("prompt", "text", { required: true }),
    param("seed", "integer", { default: 3 }),
    param("loop", "boolean", { default: true }),
    param("durations", "number_list", { default: [1, 2.5] }),
    param("tags", "string_list"),
    param("style", "enum", { choices: ["a", "b"], default: "a" }),
    param("duration", "enum", { choices: [5, 8], default: 5 }),
  ],
};

describe("param values", () => {
  it("starts from the spec's defaults", () => {
    expect(initialValues(operation)).toEqual({
      prompt: "",
      seed: "3",
      loop: true,
      durations: "1, 2.5",
      tags: "",
      style: "a",
      duration: "5",
    });
  });

  it("types values and leaves empty ones to the API", () => {
    const values = { ...initialValues(operation), prompt: " hi ", tags: "x, y,", seed: "" };
    expect(toParams(operation, values)).toEqual({
      prompt: "hi",
      loop: true,
      durations: [1, 2.5],
      tags: ["x", "y"],
      style: "a",
      duration: 5,
    });
  });

  it("sends an enum's choice with its own type", () => {
    const values = { ...initialValues(operation), prompt: "p", duration: "8" };
    expect(toParams(operation, values).duration).toBe(8);
  });
});
