import { act, screen, within } from "@testing-library/react";
import { applyEvent } from "src/api/events";
import JobsPage from "src/features/jobs/JobsPage";
import { renderPage, stubFetch } from "src/test/render";

const job = (id: number, status: string, extra: object = {}) => ({
  id,
  status,
  provider_id: "local",
  operation_type: "text_to_video",
  name: null,
  error_message: null,
  asset_id: null,
  account_id: null,
  estimated_credits: 0,
  actual_credits: null,
  credit_type: null,
  wait_reason: null,
  cancel_requested_at: null,
  progress: null,
  priority: 0,
  created_at: "2026-03-01T10:00:00Z",
  ...extra,
});

describe("the jobs page", () => {
  it("changes a row as live events arrive, and shows why a job waits", async () => {
    stubFetch({
      "GET /api/v1/jobs": { body: { items: [job(2, "pending", { wait_reason: "no free account" }), job(1, "processing", { progress: 0.2 })], next_cursor: null } },
      "GET /api/v1/providers": { body: { items: [], next_cursor: null } },
      "GET /api/v1/jobs/stats": { body: { by_status: {}, paused: false } },
    });
    const { queryClient, container } = renderPage(<JobsPage />, { path: "/jobs" });
    const row = async (id: number) => within((await screen.findByText(`#${id}`)).closest("tr")!);
    expect((await row(2)).getByText("no free account")).toBeInTheDocument();
    expect((await row(1)).getByRole("progressbar")).toHaveAttribute("value", "0.2");

    act(() =>
      applyEvent(queryClient, "job.updated", JSON.stringify({ data: job(1, "completed", { asset_id: 9, actual_credits: 3 }) })),
    );
    const done = await row(1);
    expect(done.getByText("completed")).toHaveClass("status-completed");
    expect(done.getByRole("link", { name: "result" })).toHaveAttribute("href", "/gallery/9");
    expect(container.querySelector("tr[data-job-id='1'] td[data-label='Cost']")).toHaveTextContent("3");
  });

  it("says a cancel waits for the provider, and offers no second cancel", async () => {
    stubFetch({
      "GET /api/v1/jobs": {
        body: { items: [job(3, "submitting", { cancel_requested_at: "2026-03-01T10:00:01Z" }), job(4, "submitting")], next_cursor: null },
      },
      "GET /api/v1/providers": { body: { items: [], next_cursor: null } },
      "GET /api/v1/jobs/stats": { body: { by_status: {}, paused: false } },
    });
    renderPage(<JobsPage />, { path: "/jobs" });
    const row = async (id: number) => within((await screen.findByText(`#${id}`)).closest("tr")!);
    const asked = await row(3);
    expect(asked.getByText("cancel requested: waiting for the provider")).toBeInTheDocument();
    expect(asked.queryByRole("button", { name: "Cancel" })).toBeNull();
    expect((await row(4)).getByRole("button", { name: "Cancel" })).toBeInTheDocument();
  });
});
