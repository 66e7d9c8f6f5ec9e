import { providerLabel, readyFirst } from "src/features/generate/providerOrder";
import { provider } from "src/test/fixtures";

describe("readyFirst", () => {
  it("puts the providers the user can run first, keeping the API's order in each group", () => {
    const list = [
      provider("pixverse", [], { ready: false, missing: "add a Pixverse account" }),
      provider("local", [], { is_local: true }),
      provider("sora", [], { ready: false, missing: "add an OpenAI Sora account" }),
      provider("comfyui", [], { ready: true }),
    ];
    const { ready, notReady } = readyFirst(list);
    expect(ready.map((p) => p.id)).toEqual(["local", "comfyui"]);
    expect(notReady.map((p) => p.id)).toEqual(["pixverse", "sora"]);
  });

  it("names what a provider that cannot run yet is missing", () => {
    expect(providerLabel(provider("pixverse", [], { name: "Pixverse", ready: false, missing: "add a Pixverse account" }))).toBe(
      "Pixverse (add a Pixverse account)",
    );
    expect(providerLabel(provider("local", [], { name: "Local renderer", is_local: true }))).toBe("Local renderer (this machine)");
    expect(providerLabel(provider("pixverse", [], { name: "Pixverse", ready: true }))).toBe("Pixverse");
  });
});
