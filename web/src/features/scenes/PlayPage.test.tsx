import { act, fireEvent, screen, waitFor } from "@testing-library/react";
import { applyEvent } from "src/api/events";
import { load, start } from "src/features/scenes/engine/engine";
import PlayPage from "src/features/scenes/PlayPage";
import { bundle, edge, node } from "src/features/scenes/player/testBundle";
import { renderPage, stubFetch } from "src/test/render";

const scene = bundle(
  [
    node("ask", "choice", { prompt: "Ready?", timeout: null }),
    node("end", "end", { outcome: "neutral", message: "Done" }),
  ],
  [edge("go", "ask", "end", { label: "Go" })],
);
const state = start(load(scene), 1);
const play = {
  id: 4,
  scene_id: 1,
  version: 1,
  label: null,
  bundle: scene,
  state,
  status: "playing",
  updated_at: "2026-01-02T03:04:05Z",
};
const DOWN = { status: 503, body: { error: { code: "unavailable", message: "down" } } };

/** The play page at `url`, with the server answering as `patch` says. */
function openPage(url: string, patch: (request: Request) => { status?: number; body?: unknown }) {
  const calls = stubFetch({
    "GET /api/v1/scenes/1": { body: { id: 1, title: "Cave" } },
    "GET /api/v1/plays": { body: { items: [] } },
    "GET /api/v1/plays/4": { body: play },
    "POST /api/v1/scenes/1/plays": { status: 201, body: play },
    "PATCH /api/v1/plays/4": patch,
  });
  const page = renderPage(<PlayPage />, { path: "/play/:sceneId", url });
  const sent = () =>
    calls.filter((c) => c.method === "PATCH").map((c) => ({ ...JSON.parse(c.body), keepalive: c.keepalive }));
  return { ...page, sent };
}

afterEach(() => {
  Reflect.deleteProperty(document, "visibilityState");
  Reflect.deleteProperty(navigator, "clipboard");
});

test("a ?play= link offers that save first, and the player offers a link back to it", async () => {
  openPage("/play/1?play=4", () => ({ body: play }));
  fireEvent.click(await screen.findByRole("button", { name: "Resume the linked save" }));
  expect(await screen.findByRole("group", { name: "Ready?" })).toBeInTheDocument();

  const writeText = vi.fn().mockResolvedValue(undefined);
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
  fireEvent.click(screen.getByRole("button", { name: "Copy link" }));
  expect(await screen.findByText("Link copied")).toBeInTheDocument();
  expect(writeText).toHaveBeenCalledWith(`${location.origin}/play/1?play=4`);
  // Where the clipboard is refused, the link is shown to copy by hand.
  writeText.mockRejectedValue(new Error("not allowed"));
  fireEvent.click(screen.getByRole("button", { name: "Copy link" }));
  expect(await screen.findByRole("textbox", { name: "Link to this save" })).toHaveValue(
    `${location.origin}/play/1?play=4`,
  );
});

test("inputs not saved yet go when the page is hidden or closed, in requests that outlive it", async () => {
  let up = false;
  const { sent } = openPage("/play/1", () => (up ? { body: { ...play, version: sent().length } } : DOWN));
  fireEvent.click(await screen.findByRole("button", { name: "Play" }));
  fireEvent.click(await screen.findByRole("button", { name: "Go" }));
  expect(await screen.findByText("Not saved: down")).toBeInTheDocument();

  up = true;
  Object.defineProperty(document, "visibilityState", { value: "hidden", configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
  await waitFor(() => expect(sent()).toHaveLength(2));
  expect(sent()[1]).toStrictEqual({ inputs: [{ kind: "choice", edge: "go" }], version: 1, keepalive: true });

  up = false;
  fireEvent.click(screen.getByRole("button", { name: "Back" }));
  await waitFor(() => expect(sent()).toHaveLength(3));
  up = true;
  dispatchEvent(new Event("pagehide"));
  await waitFor(() => expect(sent()).toHaveLength(4));
  expect(sent()[3]).toStrictEqual({ inputs: [{ kind: "back" }], version: 2, keepalive: true });
});

test("a play saved on another device: the player says so instead of saving over it, and reloads it", async () => {
  const { queryClient, sent } = openPage("/play/1", () => ({
    status: 409,
    body: { error: { code: "version_conflict", message: "moved on", current_version: 3 } },
  }));
  fireEvent.click(await screen.findByRole("button", { name: "Play" }));
  fireEvent.click(await screen.findByRole("button", { name: "Go" }));
  const alert = await screen.findByRole("alert");
  expect(alert).toHaveTextContent("This play continued elsewhere");
  expect(screen.getByText("Not saved")).toBeInTheDocument();
  await act(async () => fireEvent.click(screen.getByRole("button", { name: "Back" })));
  expect(sent()).toHaveLength(1); // nothing more is sent for it

  fireEvent.click(screen.getByRole("button", { name: "Reload it" }));
  await waitFor(() => expect(screen.queryByRole("alert")).not.toBeInTheDocument());
  expect(screen.getByRole("group", { name: "Ready?" })).toBeInTheDocument();
  expect(screen.getByRole("button", { name: "Back" })).toBeDisabled(); // the server's copy
  expect(screen.getByText("Saved")).toBeInTheDocument();

  // Heard live: another device saved version 2 of this play.
  act(() => applyEvent(queryClient, "play.updated", JSON.stringify({ data: { id: 4, version: 2 } })));
  expect(await screen.findByRole("alert")).toHaveTextContent("This play continued elsewhere");
});
