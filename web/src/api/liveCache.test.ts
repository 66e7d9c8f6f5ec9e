import { QueryClient } from "@tanstack/react-query";
import { applyEvent } from "src/api/events";
import { REFETCH_DELAY_MS } from "src/api/liveCache";
import { onScreen } from "src/test/onScreen";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

const send = (queryClient: QueryClient, type: string, data: object) =>
  applyEvent(queryClient, type, JSON.stringify({ type, data }));

describe("counts computed by the server", () => {
  it("are read again when a job finishes (they were never refreshed by job.updated)", async () => {
    const queryClient = new QueryClient();
    const server = { by_status: { processing: 1 } as Record<string, number> };
    const stats = onScreen(queryClient, ["jobs", "stats"], () => ({ ...server }));
    await vi.advanceTimersByTimeAsync(0);
    expect(stats.data()?.by_status).toEqual({ processing: 1 });

    server.by_status = { completed: 1 };
    send(queryClient, "job.updated", { id: 1, status: "completed" });
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(stats.data()?.by_status).toEqual({ completed: 1 });
  });

  it("are read once per burst of events, and once more after its last event", async () => {
    const queryClient = new QueryClient();
    const stats = onScreen(queryClient, ["jobs", "stats"], () => ({ by_status: {} }));
    await vi.advanceTimersByTimeAsync(0);
    for (let id = 1; id <= 20; id++) send(queryClient, "job.updated", { id, status: "processing", progress: 0.5 });
    for (let id = 1; id <= 20; id++) send(queryClient, "job.created", { id: 100 + id, status: "pending" });
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(stats.fetched.count).toBe(2);

    send(queryClient, "job.updated", { id: 1, status: "completed" });
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(stats.fetched.count).toBe(3);
  });
});

describe("an event that arrives late", () => {
  it("does not undo a newer state of its entity", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["jobs", "detail", 1], { id: 1, status: "pending", updated_at: "2026-03-01T10:00:00Z" });
    const job = () => queryClient.getQueryData<{ status: string }>(["jobs", "detail", 1])?.status;

    send(queryClient, "job.updated", { id: 1, status: "completed", updated_at: "2026-03-01T10:00:05.250000Z" });
    send(queryClient, "job.updated", { id: 1, status: "processing", updated_at: "2026-03-01T10:00:03Z" });
    expect(job()).toBe("completed");
    // A retry makes it active again, later.
    send(queryClient, "job.updated", { id: 1, status: "pending", updated_at: "2026-03-01T10:00:09Z" });
    expect(job()).toBe("pending");
  });
});
