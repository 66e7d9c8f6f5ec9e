import { priorityLabel, PRIORITIES } from "src/features/jobs/priority";

describe("priority labels", () => {
  it("names every priority, and each preset by its own label", () => {
    expect([1000, 100, 99, 1, 0, -1, -1000].map(priorityLabel)).toEqual(["Urgent", "Urgent", "High", "High", "Normal", "Low", "Low"]);
    for (const preset of PRIORITIES) expect(priorityLabel(preset.value)).toBe(preset.label);
  });
});
