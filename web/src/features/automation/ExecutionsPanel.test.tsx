import { fireEvent, screen, waitFor } from "@testing-library/react";
import { ExecutionsPanel } from "src/features/automation/ExecutionsPanel";
import { renderPage, stubFetch } from "src/test/render";

const wait = { timeout: 3000 };
const execution = (id: number, status = "completed") => ({
  id,
  preset_name: `Preset ${id}`,
  status,
  account_id: 3,
  device_id: 2,
  created_at: "2027-03-01T08:00:00Z",
  finished_at: "2027-03-01T08:01:00Z",
  cancel_requested: false,
  credits_synced: false,
  error_message: null,
  error_action_path: null,
  error_action_type: null,
  error_params: null,
  logs: [],
  screenshots: [],
});

describe("ExecutionsPanel", () => {
  it("pages past the newest ones with the cursor", async () => {
    const calls = stubFetch({
      "GET /api/v1/automation/executions": (request) => {
        const cursor = new URL(request.url).searchParams.get("cursor");
        return cursor === "c2"
          ? { body: { items: [execution(1)], next_cursor: null } }
          : { body: { items: [execution(3), execution(2)], next_cursor: "c2" } };
      },
    });
    renderPage(<ExecutionsPanel selected={null} onSelect={() => {}} />);
    expect(await screen.findByText("Preset 3", {}, wait)).toBeInTheDocument();
    expect(screen.queryByText("Preset 1")).not.toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "More" }));
    expect(await screen.findByText("Preset 1", {}, wait)).toBeInTheDocument();
    expect(screen.getByText("Preset 3")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "More" })).not.toBeInTheDocument();
    expect(calls.map((c) => c.path)).toEqual([
      "/api/v1/automation/executions?limit=50",
      "/api/v1/automation/executions?cursor=c2&limit=50",
    ]);
  });

  it("deletes an ended execution, and offers no Delete for a running one", async () => {
    const closed: (number | null)[] = [];
    const calls = stubFetch({
      "GET /api/v1/automation/executions": { body: { items: [execution(7), execution(8, "running")], next_cursor: null } },
      "GET /api/v1/automation/executions/7": { body: execution(7) },
      "GET /api/v1/automation/executions/8": { body: execution(8, "running") },
      "DELETE /api/v1/automation/executions/7": { status: 204 },
    });
    const view = renderPage(<ExecutionsPanel selected={8} onSelect={(id) => closed.push(id)} />);
    await screen.findByRole("region", { name: "Execution 8" }, wait);
    expect(screen.queryByRole("button", { name: "Delete" })).not.toBeInTheDocument();
    view.unmount();
    renderPage(<ExecutionsPanel selected={7} onSelect={(id) => closed.push(id)} />);
    await screen.findByRole("region", { name: "Execution 7" }, wait);
    fireEvent.click(screen.getByRole("button", { name: "Delete" }));
    await waitFor(() => expect(closed).toEqual([null]), wait);
    expect(calls.filter((c) => c.method === "DELETE").map((c) => c.path)).toEqual(["/api/v1/automation/executions/7"]);
  });
});
