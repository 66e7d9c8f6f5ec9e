import { ApiError, client, setServerErrorHandler, token, unwrap } from "src/api/client";
import { BATCH_MS, type ClientLine, createReporter, installErrorReporting, PER_MINUTE } from "src/api/clientLog";
import { stubFetch } from "src/test/render";

beforeEach(() => {
  vi.useFakeTimers();
  token.set("t0k");
});
afterEach(() => {
  vi.useRealTimers();
  setServerErrorHandler(() => {});
});

function recorder() {
  const batches: ClientLine[][] = [];
  let clock = 1_000_000;
  const reporter = createReporter(async (lines) => batches.push(lines), () => clock);
  return { batches, reporter, later: (ms: number) => (clock += ms) };
}

const line = (message: string): ClientLine => ({ level: "error", logger: "window", message });

describe("the error reporter", () => {
  it("sends lines in one batch, a message once a minute, saying how often it repeated", () => {
    const { batches, reporter, later } = recorder();
    reporter.report(line("boom"));
    reporter.report(line("boom"));
    reporter.report(line("bang"));
    reporter.report(line("boom"));
    expect(batches).toEqual([]);
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches.map((b) => b.map((l) => l.message))).toEqual([["boom", "bang"]]);
    later(61_000);
    reporter.report(line("boom"));
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches[1]).toEqual([expect.objectContaining({ message: "boom", context: { repeated: 2 } })]);
  });

  it("sends at most PER_MINUTE lines a minute and says how many it dropped", () => {
    const { batches, reporter, later } = recorder();
    for (let i = 0; i < PER_MINUTE + 5; i++) reporter.report(line(`error ${i}`));
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches.flat()).toHaveLength(PER_MINUTE);
    later(60_000);
    reporter.report(line("after"));
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches.at(-1)).toEqual([expect.objectContaining({ message: "after", context: { dropped_before: 5 } })]);
  });

  it("sends nothing signed out", () => {
    const { batches, reporter } = recorder();
    token.clear();
    reporter.report(line("boom"));
    vi.advanceTimersByTime(BATCH_MS);
    expect(batches).toEqual([]);
  });

  it("posts an API call answered with a 5xx, with that call's request id, to POST /logs", async () => {
    const calls = stubFetch({
      "GET /api/v1/jobs/7": { status: 503, body: { error: { code: "unavailable", message: "down" } } },
      "POST /api/v1/logs": { status: 202, body: { accepted: 1 } },
    });
    installErrorReporting(createReporter());
    await expect(
      unwrap(client.GET("/api/v1/jobs/{job_id}", { params: { path: { job_id: 7 } } })),
    ).rejects.toBeInstanceOf(ApiError);
    vi.advanceTimersByTime(BATCH_MS);
    await vi.waitFor(() => expect(calls.some((c) => c.method === "POST")).toBe(true));
    const posted = calls.find((c) => c.method === "POST")!;
    expect(posted.keepalive).toBe(true);
    const [sent] = JSON.parse(posted.body).lines;
    expect(sent).toMatchObject({
      level: "error",
      logger: "api",
      message: "GET /api/v1/jobs/7 answered 503",
      context: { method: "GET", path: "/api/v1/jobs/7", status: 503 },
    });
  });
});
