/** Render a component with a fresh query client and a memory router, the way the app does. */
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, RouterProvider } from "react-router";

interface RenderOptions {
  path?: string;
  url?: string;
  routes?: { path: string; element: ReactElement }[];
}

export function renderPage(element: ReactElement, options: RenderOptions = {}) {
  const { path = "/", url = path, routes = [] } = options;
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  });
  const router = createMemoryRouter([{ path, element }, ...routes], { initialEntries: [url] });
  const view = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>,
  );
  return { ...view, queryClient, router };
}

interface Reply {
  status?: number;
  body?: unknown;
}

/** Answer fetch calls by "METHOD /path" (query string ignored); records every request. */
export function stubFetch(routes: Record<string, Reply | ((request: Request) => Reply | Promise<Reply>)>) {
  const calls: { method: string; path: string; body: string; keepalive: boolean }[] = [];
  const fetchMock = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    // (a relative URL, as rawFetch sends, is resolved as the browser would)
    const request = input instanceof Request ? input : new Request(new URL(String(input), "http://localhost"), init);
    const url = new URL(request.url, "http://localhost");
    const key = `${request.method} ${url.pathname}`;
    const keepalive = request.keepalive || init?.keepalive === true;
    calls.push({ method: request.method, path: url.pathname + url.search, body: await request.clone().text(), keepalive });
    const route = routes[key];
    if (!route) return new Response(JSON.stringify({ error: { code: "not_found", message: key } }), { status: 404 });
    const reply = typeof route === "function" ? await route(request) : route;
    const status = reply.status ?? 200;
    return new Response(status === 204 ? null : JSON.stringify(reply.body ?? {}), {
      status,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return calls;
}
