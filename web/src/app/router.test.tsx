import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render, screen } from "@testing-library/react";
import { createMemoryRouter, RouterProvider, type RouteObject } from "react-router";
import { token } from "src/api/client";
import { RouteError } from "src/app/RouteError";
import { routes } from "src/app/router";
import { stubFetch } from "src/test/render";

function open(url: string, tree: RouteObject[] = routes) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } });
  const router = createMemoryRouter(tree, { initialEntries: [url] });
  render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return router;
}

describe("the app's routes", () => {
  beforeEach(() => {
    token.set("tok");
    stubFetch({ "GET /api/v1/users/me": { body: { id: 1, email: "me@example.com", role: "user", username: null } } });
  });

  it.each(["/no-such-page", "/jobs/12/nothing", "/settings/extra/deep"])(
    "show the app's own not-found page at %s, inside the signed-in frame",
    async (url) => {
      open(url);
      expect(await screen.findByRole("heading", { name: "Page not found" })).toBeInTheDocument();
      expect(screen.getByText(url)).toBeInTheDocument();
      expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
      expect(screen.getByRole("link", { name: "Go to the dashboard" })).toHaveAttribute("href", "/");
      expect(screen.queryByText(/Unexpected Application Error/)).not.toBeInTheDocument();
    },
  );

  it.each([
    ["/jobs/77", "No such job"], // the API answers 404
    ["/jobs/abc", "No such job"],
    ["/gallery/0", "No such asset"],
    ["/gallery/1.5", "No such asset"],
  ])("show %s, which names nothing, as not found", async (url, heading) => {
    open(url);
    expect(await screen.findByRole("heading", { name: heading })).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Main" })).toBeInTheDocument();
  });

  it("send a signed-out visitor of an unknown page to sign in first", async () => {
    token.clear();
    const router = open("/no-such-page");
    await screen.findByRole("button", { name: "Sign in" });
    expect(router.state.location.search).toBe("?next=%2Fno-such-page");
  });
});

describe("RouteError", () => {
  it("shows a page that failed to render as the app's error page, not the developer screen", async () => {
    vi.spyOn(console, "error").mockImplementation(() => {}); // React reports the error too
    function Broken(): never {
      throw new Error("the page broke");
    }
    open("/", [{ path: "/", Component: Broken, ErrorBoundary: RouteError }]);
    expect(await screen.findByRole("heading", { name: "Something went wrong" })).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("the page broke");
    expect(screen.getByRole("button", { name: "Reload" })).toBeInTheDocument();
  });
});
