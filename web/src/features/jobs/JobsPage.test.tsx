import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
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

  it("selects a shift-clicked range and cancels it in one request; a refusal says which", async () => {
    let refuse = true;
    const calls = stubFetch({
      "GET /api/v1/jobs": { body: { items: [5, 4, 3, 2, 1].map((id) => job(id, "pending", { prompt: `prompt ${id}`, account_id: 7 })), next_cursor: null } },
      "GET /api/v1/accounts": { body: { items: [{ id: 7, nickname: "main pixverse" }], next_cursor: null } },
      "GET /api/v1/providers": { body: [] },
      "GET /api/v1/jobs/stats": { body: { by_status: {}, paused: false } },
      "POST /api/v1/jobs/batch/cancel": () =>
        refuse
          ? { status: 409, body: { error: { code: "jobs_not_applicable", message: "1 of the selected jobs cannot be changed so", fields: { ids: "job 3 is already cancelled" } } } }
          : { body: { ids: [4, 3, 2] } },
    });
    renderPage(<JobsPage />, { path: "/jobs" });
    const user = userEvent.setup();
    const row = await screen.findByText("prompt 4");
    expect(row).toHaveAttribute("title", "prompt 4");
    expect(within(row.closest("tr")!).getByText("main pixverse")).toBeInTheDocument();
    expect(within(row.closest("tr")!).getByText("Normal")).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: "Select job 4" }));
    await user.keyboard("{Shift>}");
    await user.click(screen.getByRole("checkbox", { name: "Select job 2" }));
    await user.keyboard("{/Shift}");
    const bar = screen.getByRole("toolbar", { name: "Selected jobs" });
    expect(within(bar).getByText("3 selected")).toBeInTheDocument();
    await user.click(within(bar).getByRole("button", { name: "Cancel" }));
    expect(await within(bar).findByRole("alert")).toHaveTextContent("job 3 is already cancelled");
    const sent = calls.filter((c) => c.path === "/api/v1/jobs/batch/cancel");
    expect(JSON.parse(sent[0]!.body).ids.sort()).toEqual([2, 3, 4]);
    refuse = false;
    await user.click(within(bar).getByRole("button", { name: "Cancel" }));
    await waitFor(() => expect(screen.queryByRole("toolbar", { name: "Selected jobs" })).toBeNull());
  });

  it("selects all matching the filter, and searches as one types, once typing pauses", async () => {
    const calls = stubFetch({
      "GET /api/v1/jobs": { body: { items: [job(2, "failed"), job(1, "failed")], next_cursor: "more" } },
      "GET /api/v1/providers": { body: [] },
      "GET /api/v1/jobs/stats": { body: { by_status: {}, paused: false } },
      "POST /api/v1/jobs/batch/retry": { body: { ids: [1, 2, 3] } },
    });
    const { router } = renderPage(<JobsPage />, { path: "/jobs", url: "/jobs?status=failed" });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("checkbox", { name: "Select all shown" }));
    const bar = screen.getByRole("toolbar", { name: "Selected jobs" });
    await user.click(within(bar).getByRole("button", { name: "Select all matching the filter" }));
    expect(within(bar).getByText("All matching")).toBeInTheDocument();
    await user.click(within(bar).getByRole("button", { name: "Retry" }));
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/jobs/batch/retry")).toBe(true));
    const retry = calls.find((c) => c.path === "/api/v1/jobs/batch/retry")!;
    expect(JSON.parse(retry.body)).toEqual({ filter: { status: "failed" } });

    await user.type(screen.getByRole("searchbox", { name: "Search prompts" }), "red fox");
    await waitFor(() => expect(router.state.location.search).toBe("?status=failed&q=red+fox"));
    // One search for the whole phrase, none for its first letters.
    const searched = () =>
      calls
        .filter((c) => c.method === "GET" && c.path.startsWith("/api/v1/jobs?"))
        .map((c) => new URL(c.path, "http://x").searchParams.get("q"))
        .filter(Boolean);
    await waitFor(() => expect(searched()).toEqual(["red fox"]));
  });

  it("moves all jobs matching the filter to a board in one request", async () => {
    const calls = stubFetch({
      "GET /api/v1/jobs": { body: { items: [job(2, "completed"), job(1, "completed")], next_cursor: "more" } },
      "GET /api/v1/providers": { body: [] },
      "GET /api/v1/workspaces": { body: { items: [{ id: 4, name: "Trailer", parent_id: null, color: null, archived: false }], next_cursor: null } },
      "GET /api/v1/jobs/stats": { body: { by_status: {}, paused: false } },
      "POST /api/v1/jobs/batch/move": { body: { ids: [1, 2, 3] } },
    });
    renderPage(<JobsPage />, { path: "/jobs", url: "/jobs?status=completed" });
    const user = userEvent.setup();
    await user.click(await screen.findByRole("checkbox", { name: "Select all shown" }));
    const bar = screen.getByRole("toolbar", { name: "Selected jobs" });
    await user.click(within(bar).getByRole("button", { name: "Select all matching the filter" }));
    await within(bar).findByRole("option", { name: "Trailer" });
    await user.selectOptions(within(bar).getByLabelText("Move to board"), "Trailer");
    await waitFor(() => expect(calls.some((c) => c.path === "/api/v1/jobs/batch/move")).toBe(true));
    const move = calls.find((c) => c.path === "/api/v1/jobs/batch/move")!;
    expect(JSON.parse(move.body)).toEqual({ filter: { status: "completed" }, workspace_id: 4 });
    await waitFor(() => expect(screen.queryByRole("toolbar", { name: "Selected jobs" })).toBeNull());
  });
});
