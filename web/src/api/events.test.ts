import { QueryClient } from "@tanstack/react-query";
import { applyEvent } from "src/api/events";

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
