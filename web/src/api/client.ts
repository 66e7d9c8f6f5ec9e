/** The one HTTP client: typed from schema.ts, adds the bearer token, turns a 401 into a trip to /login. */
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "src/api/schema";

export type Schemas = components["schemas"];

const TOKEN_KEY = "pixsim7.token";

export const token = {
  get: (): string | null => localStorage.getItem(TOKEN_KEY),
  set: (value: string) => localStorage.setItem(TOKEN_KEY, value),
  clear: () => localStorage.removeItem(TOKEN_KEY),
};

/** The API's error envelope: {"error": {"code", "message", "fields"}}. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
    /** The whole error object, for what some errors add (`problems`, `current_version`). */
    readonly detail: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {};

/** The router registers where a rejected token sends the user. */
export function setUnauthorizedHandler(handler: () => void) {
  onUnauthorized = handler;
}

type ServerErrorHandler = (method: string, url: string, status: number, requestId: string | null) => void;
let onServerError: ServerErrorHandler = () => {};

/** The error reporter (clientLog.ts) hears of every API call answered with a 5xx. */
export function setServerErrorHandler(handler: ServerErrorHandler) {
  onServerError = handler;
}

function checkServerError(method: string, url: string, response: Response) {
  if (response.status >= 500) {
    onServerError(method, url, response.status, response.headers.get("X-Request-ID"));
  }
}

function authHeaders(headers: Headers) {
  const current = token.get();
  if (current) headers.set("Authorization", `Bearer ${current}`);
}

function checkUnauthorized(url: string, status: number) {
  // A failed login is a wrong password, not an expired session.
  if (status === 401 && !url.endsWith("/auth/login")) {
    token.clear();
    onUnauthorized();
  }
}

const auth: Middleware = {
  onRequest({ request }) {
    authHeaders(request.headers);
    return request;
  },
  onResponse({ request, response }) {
    checkUnauthorized(request.url, response.status);
    checkServerError(request.method, request.url, response);
    return response;
  },
};

export const client = createClient<paths>({
  baseUrl: globalThis.location?.origin ?? "",
  // Looked up per call, not captured once, so tests can stub the network.
  fetch: (request) => globalThis.fetch(request),
});
client.use(auth);

export async function toApiError(response: Response, body?: unknown): Promise<ApiError> {
  let payload = body;
  if (payload === undefined) payload = await response.json().catch(() => undefined);
  const error = (payload as { error?: { code?: string; message?: string; fields?: object } })
    ?.error;
  return new ApiError(
    response.status,
    error?.code ?? "http_error",
    error?.message ?? (response.statusText || `request failed (${response.status})`),
    (error?.fields ?? {}) as Record<string, string>,
    (error ?? {}) as Record<string, unknown>,
  );
}

/** The data of an openapi-fetch call, or a thrown ApiError. */
export async function unwrap<T>(
  call: Promise<{ data?: T; error?: unknown; response: Response }>,
): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw await toApiError(response, error);
  return data as T;
}

/** For what openapi-fetch does not cover (multipart uploads): same auth, same errors. */
export async function rawFetch(url: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  authHeaders(headers);
  const response = await fetch(url, { ...init, headers });
  checkUnauthorized(url, response.status);
  checkServerError(init.method ?? "GET", url, response);
  if (!response.ok) throw await toApiError(response);
  return response;
}
