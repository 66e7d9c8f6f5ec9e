import { QueryClient } from "@tanstack/react-query";
import { applyEvent, connectLive, matches, RETRY_MS } from "src/api/events";
import { REFETCH_DELAY_MS } from "src/api/liveCache";
import { onScreen } from "src/test/onScreen";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());
const later = () => vi.advanceTimersByTime(REFETCH_DELAY_MS);

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

  it("refreshes providers' readiness when an account changes", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["providers"], [{ id: "pixverse", ready: false }]);
    queryClient.setQueryData(["accounts", "list", {}], { items: [{ id: 3, status: "error" }] });
    applyEvent(queryClient, "account.updated", JSON.stringify({ data: { id: 3, status: "active" } }));
    later();
    expect(queryClient.getQueryState(["providers"])?.isInvalidated).toBe(true);
    applyEvent(queryClient, "account.deleted", JSON.stringify({ data: { id: 3 } }));
    later();
    expect(queryClient.getQueryState(["accounts", "list", {}])?.isInvalidated).toBe(true);
  });

  it("invalidates assets when one is created and ignores unknown types", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["assets", "list"], { items: [] });
    applyEvent(queryClient, "asset.created", JSON.stringify({ data: { id: 9 } }));
    later();
    expect(queryClient.getQueryState(["assets", "list"])?.isInvalidated).toBe(true);
    applyEvent(queryClient, "something.else", "not json");
  });
});

describe("batch events", () => {
  it("refetch the assets once for a batch, however many it names", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["assets", "list", {}], { pages: [{ items: [{ id: 1, tags: [] }], next_cursor: "x" }], pageParams: [null] });
    queryClient.setQueryData(["assets", "detail", 1], { id: 1, tags: [] });
    queryClient.setQueryData(["jobs", "list", {}], { items: [] });
    const invalidate = vi.spyOn(queryClient, "invalidateQueries");
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    applyEvent(queryClient, "asset.batch", JSON.stringify({ type: "asset.batch", data: { action: "updated", ids, count: ids.length } }));
    expect(queryClient.getQueryState(["assets", "list", {}])?.isInvalidated).toBe(false);
    later();
    expect(invalidate).toHaveBeenCalledTimes(1);
    expect(invalidate).toHaveBeenCalledWith({ queryKey: ["assets"] });
    expect(queryClient.getQueryState(["assets", "list", {}])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(["assets", "detail", 1])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(["jobs", "list", {}])?.isInvalidated).toBe(false);
  });

  it("refetch the jobs and their accounts for a job batch", () => {
    const queryClient = new QueryClient();
    queryClient.setQueryData(["jobs", "list", {}], { items: [{ id: 1, status: "pending" }] });
    queryClient.setQueryData(["accounts", "list", {}], { items: [] });
    queryClient.setQueryData(["assets", "list", {}], { items: [] });
    applyEvent(queryClient, "job.batch", JSON.stringify({ data: { action: "updated", ids: [1], count: 1, statuses: ["cancelled"] } }));
    later();
    expect(queryClient.getQueryState(["jobs", "list", {}])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(["accounts", "list", {}])?.isInvalidated).toBe(true);
    expect(queryClient.getQueryState(["assets", "list", {}])?.isInvalidated).toBe(false);
  });
});

describe("the live jobs list", () => {
  type Page = { items: { id: number; status: string; progress?: number; workspace_id?: number }[]; next_cursor: string | null };
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
    later();
    expect(full.getQueryState(["jobs", "list", filters])?.isInvalidated).toBe(true);

    const partial = list(filters, [{ items: [{ id: 1, status: "completed" }], next_cursor: "abc" }]);
    send(partial, { id: 5, status: "completed" });
    later();
    expect(partial.getQueryState(["jobs", "list", filters])?.isInvalidated).toBe(false);
    send(partial, { id: 6, status: "failed" });
    expect(ids(partial, filters)).toEqual(["1:completed"]);
  });

  it("judges only filters that name a field of the job", () => {
    expect(matches({ id: 1, status: "failed" }, { status: "failed", q: "cat", provider_id: "" })).toBe(true);
    expect(matches({ id: 1, status: "failed", provider_id: "local" }, { provider_id: "pixverse" })).toBe(false);
    expect(matches({ id: 1, status: "pending" }, { status: "pending,processing" })).toBe(true);
    expect(matches({ id: 1, status: "failed" }, { status: "pending,processing" })).toBe(false);
  });

  it("keeps a job moved to another board in a board's list, and reads the list again", () => {
    // A board's queue holds its sub-boards' jobs too: only the server can say whether
    // board 7 is inside board 3.
    const filters = { workspace_id: 3 };
    const queryClient = list(filters, [{ items: [{ id: 1, status: "completed", workspace_id: 3 }], next_cursor: null }]);
    send(queryClient, { id: 1, status: "completed", workspace_id: 7 });
    expect(ids(queryClient, filters)).toEqual(["1:completed"]);
    later();
    expect(queryClient.getQueryState(["jobs", "list", filters])?.isInvalidated).toBe(true);
  });

  it("does not read a board's list again for a job's progress, there or on another board", () => {
    const filters = { workspace_id: 3 };
    const queryClient = list(filters, [{ items: [{ id: 1, status: "processing", workspace_id: 3 }], next_cursor: null }]);
    send(queryClient, { id: 1, status: "processing", progress: 0.5, workspace_id: 3 });
    send(queryClient, { id: 2, status: "processing", progress: 0.5, workspace_id: 9 });
    later();
    expect(queryClient.getQueryState(["jobs", "list", filters])?.isInvalidated).toBe(false);
    expect(ids(queryClient, filters)).toEqual(["1:processing"]);
  });
});

/** EventSource as the browser drives it, steered by the test. */
class FakeSource {
  static readonly CONNECTING = 0;
  static readonly OPEN = 1;
  static readonly CLOSED = 2;
  static opened: FakeSource[] = [];
  readyState = FakeSource.CONNECTING;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  private listeners = new Map<string, ((event: MessageEvent) => void)[]>();

  constructor(readonly url: string) {
    FakeSource.opened.push(this);
  }
  addEventListener(type: string, listener: (event: MessageEvent) => void) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close() {
    this.readyState = FakeSource.CLOSED;
  }
  connect() {
    this.readyState = FakeSource.OPEN;
    this.onopen?.();
  }
  send(type: string, seq: number, data: object = {}) {
    const event = new MessageEvent(type, { data: JSON.stringify({ type, data, seq }) });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
  /** The connection dropped: the browser retries it (or, after an error answer, gives up). */
  drop({ givenUp = false } = {}) {
    this.readyState = givenUp ? FakeSource.CLOSED : FakeSource.CONNECTING;
    this.onerror?.();
  }
}

describe("the live stream", () => {
  const setup = async () => {
    FakeSource.opened = [];
    vi.stubGlobal("EventSource", FakeSource);
    const queryClient = new QueryClient();
    const page = onScreen(queryClient, ["jobs", "list", {}], () => ({ items: [], next_cursor: null }));
    await vi.advanceTimersByTimeAsync(0);
    const states: boolean[] = [];
    const stop = connectLive(queryClient, "/api/v1/events", (open) => states.push(open));
    return { page, states, stop, source: () => FakeSource.opened.at(-1)! };
  };

  it("refetches what the page shows on every (re)connect", async () => {
    const { page, states, source } = await setup();
    expect(page.fetched.count).toBe(1);
    source().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(page.fetched.count).toBe(2); // fetched before the stream was up: may be stale
    source().drop();
    source().connect(); // the browser's own retry
    await vi.advanceTimersByTimeAsync(0);
    expect(page.fetched.count).toBe(3);
    expect(states).toEqual([true, false, true]);
    expect(FakeSource.opened).toHaveLength(1);
  });

  it("refetches at a gap in the frames' numbering, and only then", async () => {
    const { page, source } = await setup();
    source().connect();
    await vi.advanceTimersByTimeAsync(0);
    const before = page.fetched.count;
    source().send("asset.deleted", 1, { id: 2 });
    source().send("asset.deleted", 2, { id: 3 });
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(page.fetched.count).toBe(before); // (neither touches this list)
    source().send("events.lost", 4); // 3 was lost: the server says so at once
    await vi.advanceTimersByTimeAsync(0);
    expect(page.fetched.count).toBe(before + 1);
    source().send("asset.deleted", 5, { id: 4 });
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(page.fetched.count).toBe(before + 1);
  });

  it("numbers frames afresh on each connection", async () => {
    const { page, source } = await setup();
    source().connect();
    source().send("asset.deleted", 1, { id: 3 });
    source().drop();
    source().connect();
    await vi.advanceTimersByTimeAsync(0);
    const before = page.fetched.count;
    source().send("asset.deleted", 1, { id: 4 });
    await vi.advanceTimersByTimeAsync(REFETCH_DELAY_MS);
    expect(page.fetched.count).toBe(before);
  });

  it("opens a new stream when the browser gives up on one, and closes it when done", async () => {
    const { page, states, stop, source } = await setup();
    source().connect();
    source().drop({ givenUp: true }); // e.g. a proxy answered 502 while the server restarted
    await vi.advanceTimersByTimeAsync(RETRY_MS - 1);
    expect(FakeSource.opened).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(FakeSource.opened).toHaveLength(2);
    const count = page.fetched.count;
    source().connect();
    await vi.advanceTimersByTimeAsync(0);
    expect(page.fetched.count).toBe(count + 1);
    expect(states).toEqual([true, false, true]);
    source().drop({ givenUp: true });
    stop(); // (the page closed while a new stream was due)
    await vi.advanceTimersByTimeAsync(RETRY_MS * 4);
    expect(FakeSource.opened).toHaveLength(2);
    expect(source().readyState).toBe(FakeSource.CLOSED);
  });
});
