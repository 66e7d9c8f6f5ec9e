import { fireEvent, screen, waitFor } from "@testing-library/react";
import { DevicesPanel } from "src/features/automation/DevicesPanel";
import { renderPage, stubFetch } from "src/test/render";

const wait = { timeout: 3000 };
const device = {
  id: 2,
  serial: "emulator-5554",
  name: null,
  model: "Pixel 7",
  android_version: "14",
  status: "online",
  adb_state: "device",
  agent_id: null,
  owner_id: 1,
  is_shared: false,
  account_id: null,
  execution_id: null,
  last_seen_at: "2027-03-01T08:00:00Z",
};
const account = (id: number, email: string, extra = {}) => ({
  id,
  email,
  nickname: null,
  provider_id: "pixverse",
  can_manage: true,
  is_builtin: false,
  has_password: true,
  credits: {},
  ...extra,
});

describe("DevicesPanel", () => {
  it("names a device and assigns it an account", async () => {
    let saved: unknown = null;
    const calls = stubFetch({
      "GET /api/v1/automation/devices": { body: [device] },
      "GET /api/v1/automation/agents": { body: [] },
      "GET /api/v1/users/me": { body: { id: 1, role: "user" } },
      "GET /api/v1/accounts": {
        body: { items: [account(3, "a@example.com"), account(5, "shared@example.com", { can_manage: false })], next_cursor: null },
      },
      "PATCH /api/v1/automation/devices/2": async (request) => {
        saved = await request.json();
        return { body: { ...device, name: "Desk phone", account_id: 3 } };
      },
    });
    renderPage(<DevicesPanel />);
    fireEvent.click(await screen.findByRole("button", { name: "Edit emulator-5554" }, wait));
    const form = await screen.findByRole("region", { name: "Edit emulator-5554" }, wait);
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "  Desk phone " } });
    const select = screen.getByLabelText("Assigned account");
    await waitFor(() => expect(select).toHaveTextContent("a@example.com (pixverse)"), wait);
    // Only accounts of one's own are offered: a shared one is never run on a device.
    expect(select).not.toHaveTextContent("shared@example.com");
    fireEvent.change(select, { target: { value: "3" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    await waitFor(() => expect(form).not.toBeInTheDocument(), wait);
    expect(saved).toEqual({ name: "Desk phone", account_id: 3 });
    expect(calls.filter((c) => c.method === "PATCH")).toHaveLength(1);
  });

  it("clears a device's name and account, and shows a field error", async () => {
    const bodies: unknown[] = [];
    stubFetch({
      "GET /api/v1/automation/devices": { body: [{ ...device, name: "Old", account_id: 3 }] },
      "GET /api/v1/automation/agents": { body: [] },
      "GET /api/v1/users/me": { body: { id: 1, role: "user" } },
      "GET /api/v1/accounts": { body: { items: [account(3, "a@example.com")], next_cursor: null } },
      "PATCH /api/v1/automation/devices/2": async (request) => {
        bodies.push(await request.json());
        return {
          status: 422,
          body: { error: { code: "validation_failed", message: "no such account of yours", fields: { account_id: "no such account of yours" } } },
        };
      },
    });
    renderPage(<DevicesPanel />);
    expect(await screen.findByRole("cell", { name: "a@example.com (pixverse)" }, wait)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Edit emulator-5554" }));
    fireEvent.change(screen.getByLabelText("Name"), { target: { value: "" } });
    fireEvent.change(screen.getByLabelText("Assigned account"), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Save" }));
    expect((await screen.findAllByText("no such account of yours", {}, wait)).length).toBeGreaterThan(0);
    expect(bodies).toEqual([{ name: null, account_id: null }]);
  });
});
