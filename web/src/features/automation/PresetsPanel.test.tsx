import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import action from "src/features/automation/actionSchema.test.json";
import { PresetsPanel } from "src/features/automation/PresetsPanel";
import { actionKinds, blank, fields, type JsonSchema } from "src/features/automation/schemaForm";
import { renderPage, stubFetch } from "src/test/render";

// The server's action schema as `pixsim7.automation.actions.action_schema()` serves it.
const root = action as JsonSchema;
const wait = { timeout: 3000 };
const schemaReply = {
  body: {
    action,
    account_variables: ["email", "password", "nickname"],
    secret_variables: ["password"],
    keys: ["back", "home"],
    max_actions: 500,
    max_depth: 8,
  },
};

describe("schemaForm", () => {
  it("reads the kinds of action and their fields from the schema", () => {
    const kinds = actionKinds(root).map((k) => k.type);
    expect(kinds).toContain("tap");
    expect(kinds).toContain("if_not_element");
    const tap = actionKinds(root).find((k) => k.type === "tap")!;
    const byName = Object.fromEntries(fields(root, tap.schema).map((f) => [f.name, f]));
    expect(byName.x?.field).toMatchObject({ kind: "number", integer: true, min: 0 });
    expect(byName.element?.field.kind).toBe("object");
    expect(byName.element?.optional).toBe(true);
    const key = actionKinds(root).find((k) => k.type === "key")!;
    expect(fields(root, key.schema)[0]?.field).toMatchObject({ kind: "choice" });
    expect(blank(root, "repeat")).toEqual({ type: "repeat", actions: [] });
  });
});

describe("PresetsPanel", () => {
  it("builds a preset with a nested block from the schema and saves it", async () => {
    const calls = stubFetch({
      "GET /api/v1/automation/presets": { body: { items: [], next_cursor: null } },
      "GET /api/v1/automation/action-schema": schemaReply,
      "POST /api/v1/automation/presets": { status: 201, body: {} },
    });
    renderPage(<PresetsPanel onRan={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "New preset" }, wait));
    const builder = await screen.findByRole("region", { name: "Preset builder" }, wait);
    fireEvent.change(within(builder).getByLabelText("Name"), { target: { value: "claim" } });

    fireEvent.change(within(builder).getByLabelText("Action to add"), { target: { value: "launch_app" } });
    fireEvent.click(within(builder).getByRole("button", { name: "Add action" }));
    fireEvent.change(within(builder).getByLabelText("Action 1 package"), { target: { value: "com.pixverse.pixverse" } });

    fireEvent.change(within(builder).getByLabelText("Action to add"), { target: { value: "if_element" } });
    fireEvent.click(within(builder).getByRole("button", { name: "Add action" }));
    fireEvent.change(within(builder).getByLabelText("Action 2 element resource id"), { target: { value: "btn_claim" } });
    fireEvent.change(within(builder).getByLabelText("Action to add in 2"), { target: { value: "tap" } });
    fireEvent.click(within(builder).getByRole("button", { name: "Add action in 2" }));
    fireEvent.click(within(builder).getByLabelText("Action 2.1 element given"));
    fireEvent.change(within(builder).getByLabelText("Action 2.1 element text"), { target: { value: "Claim" } });

    // Reordered: the block first, then moved back.
    fireEvent.click(within(builder).getByRole("button", { name: "Move action 2 up" }));
    fireEvent.click(within(builder).getByRole("button", { name: "Move action 1 down" }));
    fireEvent.click(within(builder).getByRole("button", { name: "Save preset" }));

    await waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true), wait);
    const sent = JSON.parse(calls.find((c) => c.method === "POST")!.body);
    expect(sent).toEqual({
      name: "claim",
      category: "other",
      actions: [
        { type: "launch_app", package: "com.pixverse.pixverse" },
        {
          type: "if_element",
          element: { resource_id: "btn_claim" },
          actions: [{ type: "tap", element: { text: "Claim" } }],
        },
      ],
    });
  });
});
