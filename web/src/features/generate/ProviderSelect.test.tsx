import { fireEvent, render, screen, within } from "@testing-library/react";
import { ProviderSelect } from "src/features/generate/ProviderSelect";
import { provider } from "src/test/fixtures";

const providers = [
  provider("pixverse", [], { name: "Pixverse", ready: false, missing: "add a Pixverse account" }),
  provider("local", [], { name: "Local renderer", is_local: true, ready: true }),
  provider("sora", [], { name: "OpenAI Sora", ready: false, missing: "add an OpenAI Sora account" }),
];

describe("ProviderSelect", () => {
  it("offers the providers the user can run first, and says what the others miss", () => {
    const chosen = vi.fn();
    render(<ProviderSelect providers={providers} value="" onChange={chosen} />);
    const select = screen.getByLabelText("Provider");
    const [readyGroup, laterGroup] = within(select).getAllByRole("group");
    expect(readyGroup).toHaveAttribute("label", "Ready to run");
    expect(within(readyGroup!).getAllByRole("option").map((o) => o.textContent)).toEqual(["Local renderer (this machine)"]);
    expect(laterGroup).toHaveAttribute("label", "Needs setup first");
    expect(within(laterGroup!).getAllByRole("option").map((o) => o.textContent)).toEqual([
      "Pixverse (add a Pixverse account)",
      "OpenAI Sora (add an OpenAI Sora account)",
    ]);
    fireEvent.change(select, { target: { value: "pixverse" } });
    expect(chosen).toHaveBeenCalledWith("pixverse");
  });
});
