import { fireEvent, screen, waitFor } from "@testing-library/react";
import { LoopsPanel } from "src/features/automation/LoopsPanel";
import { renderPage, stubFetch } from "src/test/render";

const wait = { timeout: 3000 };
const loop = {
  id: 4,
  owner_id: 1,
  name: "Daily rewards",
  status: "active",
  status_message: "daily cap of 2 reached",
  config: { selection: "round_robin" },
  device_id: null,
  next_run_at: "2027-03-02T08:00:00Z",
  last_run_at: null,
  runs_today: 2,
  consecutive_failures: 0,
  current_execution_id: null,
  created_at: "2027-03-01T08:00:00Z",
  updated_at: "2027-03-01T08:00:00Z",
};

describe("LoopsPanel", () => {
  it("shows a loop's state and history, and runs a step now", async () => {
    const calls = stubFetch({
      "GET /api/v1/automation/loops": { body: [loop] },
      "GET /api/v1/automation/executions": {
        body: {
          items: [{ id: 9, preset_name: "Pixverse: claim daily reward", account_id: 3, status: "completed", created_at: "2027-03-01T08:00:00Z", finished_at: "2027-03-01T08:01:00Z" }],
          next_cursor: null,
        },
      },
      "POST /api/v1/automation/loops/4/run-now": { body: { id: 10 } },
    });
    const ran: number[] = [];
    renderPage(<LoopsPanel onSelect={(id) => ran.push(id)} />);
    expect(await screen.findByText("daily cap of 2 reached", {}, wait)).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "History" }));
    const history = await screen.findByRole("region", { name: "Loop history" }, wait);
    expect(history).toHaveTextContent("Pixverse: claim daily reward for account 3");
    expect(calls.some((c) => c.path.includes("loop_id=4"))).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Run now" }));
    await waitFor(() => expect(ran).toEqual([10]), wait);
  });

  it("creates a loop with presets per account, specific accounts and a credit range", async () => {
    let created: { name: string; config: Record<string, unknown> } | null = null;
    const account = (id: number, email: string) => ({ id, email, nickname: null, provider_id: "pixverse", can_manage: true, is_builtin: false, credits: {} });
    stubFetch({
      "GET /api/v1/automation/loops": { body: [] },
      "GET /api/v1/automation/presets": {
        body: { items: [{ id: 1, name: "Log in" }, { id: 2, name: "Claim" }], next_cursor: null },
      },
      "GET /api/v1/accounts": {
        body: { items: [account(3, "a@example.com"), account(4, "b@example.com"), { ...account(6, "c@example.com"), provider_id: "other" }], next_cursor: null },
      },
      "POST /api/v1/automation/loops": async (request) => {
        created = await request.json();
        return { status: 201, body: { ...loop, id: 5 } };
      },
    });
    renderPage(<LoopsPanel onSelect={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "New loop" }, wait));
    fireEvent.change(screen.getByLabelText("Presets"), { target: { value: "per_account" } });
    const perAccount = await screen.findByRole("group", { name: "Presets per account" });
    await waitFor(() => expect(perAccount).toHaveTextContent("Presets for b@example.com"), wait);
    // Accounts of another provider are not offered.
    expect(perAccount).not.toHaveTextContent("c@example.com");
    const forA = screen.getByLabelText("Presets for a@example.com") as HTMLSelectElement;
    for (const o of forA.options) o.selected = o.value === "1" || o.value === "2";
    fireEvent.change(forA);
    const forB = screen.getByLabelText("Presets for b@example.com") as HTMLSelectElement;
    for (const o of forB.options) o.selected = o.value === "2";
    fireEvent.change(forB);
    fireEvent.change(screen.getByLabelText("Accounts"), { target: { value: "specific" } });
    const which = screen.getByLabelText("Which accounts") as HTMLSelectElement;
    for (const o of which.options) o.selected = o.value === "4";
    fireEvent.change(which);
    fireEvent.change(screen.getByLabelText("Min credits"), { target: { value: "10" } });
    fireEvent.change(screen.getByLabelText("Max credits"), { target: { value: "500" } });
    fireEvent.click(screen.getByRole("button", { name: "Create loop" }));
    await waitFor(() => expect(created).not.toBeNull(), wait);
    expect(created!.config).toMatchObject({
      preset_ids: [],
      account_presets: { "3": [1, 2], "4": [2] },
      selection: "specific",
      account_ids: [4],
      min_credits: 10,
      max_credits: 500,
    });
  });

  it("sends the shared preset list only, and no accounts unless specific", async () => {
    let created: { config: Record<string, unknown> } | null = null;
    stubFetch({
      "GET /api/v1/automation/loops": { body: [] },
      "GET /api/v1/automation/presets": { body: { items: [{ id: 1, name: "Log in" }], next_cursor: null } },
      "GET /api/v1/accounts": { body: { items: [], next_cursor: null } },
      "POST /api/v1/automation/loops": async (request) => {
        created = await request.json();
        return { status: 201, body: { ...loop, id: 5 } };
      },
    });
    renderPage(<LoopsPanel onSelect={() => {}} />);
    fireEvent.click(await screen.findByRole("button", { name: "New loop" }, wait));
    const shared = (await screen.findByLabelText("Presets, in order")) as HTMLSelectElement;
    await waitFor(() => expect(shared.options).toHaveLength(1), wait);
    shared.options[0]!.selected = true;
    fireEvent.change(shared);
    fireEvent.change(screen.getByLabelText("Min credits"), { target: { value: "5" } });
    fireEvent.change(screen.getByLabelText("Min credits"), { target: { value: "" } });
    fireEvent.click(screen.getByRole("button", { name: "Create loop" }));
    await waitFor(() => expect(created).not.toBeNull(), wait);
    expect(created!.config).toMatchObject({ preset_ids: [1], account_presets: {}, account_ids: [], min_credits: null });
  });
});
