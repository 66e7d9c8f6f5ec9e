import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { SessionList } from "src/features/settings/SessionList";
import { renderPage, stubFetch } from "src/test/render";

const session = (id: string, current: boolean, kind = "web") => ({
  id,
  kind,
  ip_address: "127.0.0.1",
  user_agent: `agent ${id}`,
  created_at: "2026-01-01T00:00:00Z",
  expires_at: "2026-02-01T00:00:00Z",
  last_used_at: "2026-01-01T00:00:00Z",
  current,
});

describe("SessionList", () => {
  it("revokes another session and refreshes the list", async () => {
    let sessions = [session("a", true), session("b", false)];
    const calls = stubFetch({
      "GET /api/v1/auth/sessions": () => ({ body: { items: sessions, next_cursor: null } }),
      "DELETE /api/v1/auth/sessions/b": () => {
        sessions = sessions.filter((s) => s.id !== "b");
        return { status: 204 };
      },
    });
    renderPage(<SessionList />);
    const row = (await screen.findByText("agent b")).closest("tr")!;
    expect(within(screen.getByText("agent a").closest("tr")!).getByText("this device")).toBeVisible();

    await userEvent.click(within(row).getByRole("button", { name: "Revoke" }));

    await vi.waitFor(() => expect(screen.queryByText("agent b")).toBeNull());
    expect(calls.map((c) => `${c.method} ${c.path}`)).toContain("DELETE /api/v1/auth/sessions/b");
  });

  it("names the browser extension's session, revocable in one click", async () => {
    let sessions = [session("a", true), session("ext", false, "extension")];
    stubFetch({
      "GET /api/v1/auth/sessions": () => ({ body: { items: sessions, next_cursor: null } }),
      "DELETE /api/v1/auth/sessions/ext": () => {
        sessions = sessions.filter((s) => s.id !== "ext");
        return { status: 204 };
      },
    });
    renderPage(<SessionList />);
    const row = (await screen.findByText("agent ext")).closest("tr")!;
    expect(within(row).getByText("Browser extension")).toBeVisible();
    expect(within(screen.getByText("agent a").closest("tr")!).queryByText("Browser extension")).toBeNull();

    await userEvent.click(within(row).getByRole("button", { name: "Revoke" }));

    await vi.waitFor(() => expect(screen.queryByText("agent ext")).toBeNull());
  });

  it("loads the next page from the cursor", async () => {
    const calls = stubFetch({
      "GET /api/v1/auth/sessions": (request) =>
        new URL(request.url, "http://localhost").searchParams.get("cursor") === "next"
          ? { body: { items: [session("b", false)], next_cursor: null } }
          : { body: { items: [session("a", true)], next_cursor: "next" } },
    });
    renderPage(<SessionList />);
    await screen.findByText("agent a");
    expect(screen.queryByText("agent b")).toBeNull();

    await userEvent.click(screen.getByRole("button", { name: "More" }));

    expect(await screen.findByText("agent b")).toBeVisible();
    expect(screen.queryByRole("button", { name: "More" })).toBeNull();
    expect(calls.map((c) => c.path)).toContain("/api/v1/auth/sessions?cursor=next&limit=100");
  });
});
