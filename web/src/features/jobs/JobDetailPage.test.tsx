import { screen } from "@testing-library/react";
import JobDetailPage from "src/features/jobs/JobDetailPage";
import { renderPage, stubFetch } from "src/test/render";

const detail = (extra: object) => ({
  id: 7,
  owner_id: 1,
  workspace_id: null,
  name: null,
  provider_id: "local",
  operation_type: "text_to_video",
  params: { prompt: "a fox" },
  inputs: [],
  priority: 0,
  scheduled_at: null,
  wait_reason: null,
  cancel_requested_at: null,
  attempts: 2,
  retries: 0,
  progress: 1,
  account_id: 1,
  pinned_account_id: null,
  provider_job_id: "local-2",
  credit_type: null,
  estimated_credits: 0,
  actual_credits: 0,
  error_class: null,
  error_message: null,
  result_url: null,
  asset_id: 9,
  created_at: "2026-03-01T10:00:00Z",
  updated_at: "2026-03-01T10:01:00Z",
  started_at: "2026-03-01T10:00:01Z",
  submitted_at: "2026-03-01T10:00:30Z",
  completed_at: "2026-03-01T10:01:00Z",
  depends_on: [],
  submissions: [],
  account_nickname: "Local renderer",
  ...extra,
});

const at = "2026-03-01T10:00:10Z";
const history = [
  { at, event: "created" },
  { at, event: "claimed", account_id: 1, worker: "host-1" },
  { at, event: "submitted", account_id: 1, provider_job_id: "local-1" },
  { at, event: "interrupted", account_id: 1, message: "the render was interrupted: the renderer restarted before it finished" },
  { at, event: "claimed", account_id: 1, worker: "host-2" },
  { at, event: "requeued", account_id: 1, error_class: "transient", message: "the render failed unexpectedly" },
  { at, event: "completed" },
];

function show(job: object) {
  stubFetch({ "GET /api/v1/jobs/7": { body: job } });
  renderPage(<JobDetailPage />, { path: "/jobs/:jobId", url: "/jobs/7" });
}

describe("a job's page", () => {
  it("shows a completed job without its earlier attempts' errors, which are in its history", async () => {
    show(detail({ status: "completed", history }));
    expect(await screen.findByText("Completed.")).toBeInTheDocument();
    expect(document.querySelector(".error")).toBeNull();
    expect(
      screen.getByText(/The attempt was interrupted \(the render was interrupted: the renderer restarted before it finished\); sent again, not counted as a failure\./),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/The attempt failed on account #1 \(a temporary error: the render failed unexpectedly\); it will be tried again\./),
    ).toBeInTheDocument();
  });

  it("shows a failed job's final error", async () => {
    const failed = { at, event: "failed", error_class: "input_moderation", message: "Pixverse error 500063: pre-review failed" };
    show(detail({ status: "failed", error_class: "input_moderation", error_message: failed.message, history: [failed] }));
    expect(await screen.findByText("Pixverse error 500063: pre-review failed", { selector: ".error" })).toBeInTheDocument();
    expect(
      screen.getByText(/Failed: the prompt or an input was refused by moderation: Pixverse error 500063: pre-review failed\./),
    ).toBeInTheDocument();
  });
});
