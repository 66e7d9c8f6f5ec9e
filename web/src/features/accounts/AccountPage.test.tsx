import { fireEvent, screen, within } from "@testing-library/react";
import AccountPage from "src/features/accounts/AccountPage";
import { account } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

const line = (id: number, extra: object) => ({
  id,
  ts: "2027-03-01T08:00:00Z",
  level: "warning",
  logger: "pixsim7.jobs.stages",
  event: "job failed",
  process: "worker",
  worker_id: "w1",
  request_id: null,
  user_id: 1,
  job_id: 12,
  account_id: 3,
  provider: "pixverse",
  stage: "failed",
  duration_ms: 12,
  error_class: "quota",
  exception: null,
  extra: { message: "out of credits" },
  ...extra,
});

const page = (items: object[]) => ({
  items,
  next_cursor: null,
  facets: { level: { warning: 1 }, logger: { "pixsim7.jobs.stages": 1 }, provider: { pixverse: 1 }, error_class: { quota: 1 }, complete: true },
});

describe("an account's page", () => {
  it("shows the lines about the account on its Logs tab, filtered further from the URL", async () => {
    const calls = stubFetch({
      "GET /api/v1/accounts/3": { body: account(3, { nickname: "fourth of the pool" }) },
      "GET /api/v1/providers": { body: { items: [], next_cursor: null } },
      "GET /api/v1/logs": { body: page([line(5, {})]) },
    });
    renderPage(<AccountPage />, { path: "/accounts/:accountId", url: "/accounts/3" });
    expect(await screen.findByRole("heading", { name: /fourth of the pool/ })).toBeInTheDocument();
    expect(calls.some((c) => c.path.startsWith("/api/v1/logs"))).toBe(false);

    fireEvent.click(screen.getByRole("tab", { name: "Logs" }));
    const lines = await screen.findByTestId("log-lines");
    expect(within(lines).getByText("job failed")).toBeInTheDocument();
    const asked = calls.filter((c) => c.path.startsWith("/api/v1/logs"));
    expect(asked.every((c) => new URL(c.path, "http://x").searchParams.get("account_id") === "3")).toBe(true);
    // The account is the page's: not a filter to take off.
    expect(screen.queryByRole("button", { name: /account_id/ })).toBeNull();

    fireEvent.click(screen.getByRole("button", { name: /^quota/ }));
    await screen.findByRole("button", { name: "error_class: quota ✕" });
    const last = new URL(calls.filter((c) => c.path.startsWith("/api/v1/logs")).at(-1)!.path, "http://x");
    expect(last.searchParams.get("account_id")).toBe("3");
    expect(last.searchParams.get("error_class")).toBe("quota");
  });
});
