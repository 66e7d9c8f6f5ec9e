import { QueryClient } from "@tanstack/react-query";
import { applyEvent, matches } from "src/api/events";

describe("applyEvent", () => {
  it("patches a job inside cached pages and details", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["jobs", "list", {}], {
      pages: [{ items: [{ id: 1, status: "pending" }, { id: 2, status: "pending" }] }],
      pageParams: [null],
    });
    queryClient.setQueryData(["jobs", "detail", 2], { id: 2, status: "pending", submissions: [] });

    const frame = { type: "job.updated", data: { id: 2, status: "processing", progress: 0.5 } };
    applyEvent(queryClient, "job.updated", JSON.stringify(frame));

    const list = queryClient.getQueryData<{ pages: { items: { id: number; status: string }[] }[] }>([
      "jobs",
      "list",
      {},
    ]);
    expect(list?.pages[0]?.items.map((j) => j.status)).toEqual(["pending", "processing"]);
    expect(queryClient.getQueryData(["jobs", "detail", 2])).toEqual({
      id: 2,
      status: "processing",
      progress: 0.5,
      submissions: [],
    });
  });

  it("invalidates assets when one is created and ignores unknown types", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["assets", "list"], { items: [] });
    applyEvent(queryClient, "asset.created", JSON.stringify({ data: { id: 9 } }));
    expect(queryClient.getQueryState(["assets", "list"])?.isInvalidated).toBe(true);
    applyEvent(queryClient, "something.else", "not json");
  });
});

describe("the live jobs list", () => {
  type Page = { items: { id: number; status: string; progress?: number }[]; next_cursor: string | null };
  const list = (filters: object, pages: Page[]) => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["jobs", "list", filters], { pages, pageParams: pages.map(() => null) });
    return queryClient;
  };
  const send = (queryClient: QueryClient, data: object) =>
    applyEvent(queryClient, "job.updated", JSON.stringify({ type: "job.updated", data }));
  const ids = (queryClient: QueryClient, filters: object) =>
    queryClient
      .getQueryData<{ pages: Page[] }>(["jobs", "list", filters])
      ?.pages.flatMap((p) => p.items.map((j) => `${j.id}:${j.status}`));

  it("drops a job from a status-filtered list once it leaves that status", () => {
    const filters = { status: "processing" };
    const queryClient = list(filters, [{ items: [{ id: 1, status: "processing" }, { id: 2, status: "processing" }], next_cursor: null }]);
    send(queryClient, { id: 1, status: "processing", progress: 0.4 });
    expect(ids(queryClient, filters)).toEqual(["1:processing", "2:processing"]);
    send(queryClient, { id: 2, status: "completed" });
    expect(ids(queryClient, filters)).toEqual(["1:processing"]);
  });

  it("refetches a fully loaded filtered list that a job now belongs to, not a partial one", () => {
    const filters = { status: "completed", provider_id: undefined };
    const full = list(filters, [{ items: [{ id: 1, status: "completed" }], next_cursor: null }]);
    send(full, { id: 5, status: "completed" });
    expect(full.getQueryState(["jobs", "list", filters])?.isInvalidated).toBe(true);

    const partial = list(filters, [{ items: [{ id: 1, status: "completed" }], next_cursor: "abc" }]);
    send(partial, { id: 5, status: "completed" });
    expect(partial.getQueryState(["jobs", "list", filters])?.isInvalidated).toBe(false);
    send(partial, { id: 6, status: "failed" });
    expect(ids(partial, filters)).toEqual(["1:completed"]);
  });

  it("judges only filters that name a field of the job", () => {
    expect(matches({ id: 1, status: "failed" }, { status: "failed", q: "cat", provider_id: "" })).toBe(true);
    expect(matches({ id: 1, status: "failed", provider_id: "local" }, { provider_id: "pixverse" })).toBe(false);
  });
});
