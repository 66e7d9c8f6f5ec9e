/**
 * Calls to the PixSim7 server with the extension's token. They run in the service worker,
 * which has host access to the server's origin (asked for when connecting), so the
 * server needs no CORS for them. A 401 means the session was revoked or expired: the
 * token is forgotten and the popup asks to connect again.
 */

import { type Connection, store } from "src/background/storage";

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }

  /** The server's message with its field messages: what the user is shown. */
  describe(): string {
    const details = Object.values(this.fields).filter((v) => v && v !== this.message);
    return details.length ? `${this.message}: ${details.join("; ")}` : this.message;
  }
}

export class NotConnected extends Error {
  constructor() {
    super("not connected to a PixSim7 server");
  }
}

export interface CallOptions {
  json?: unknown;
  form?: FormData;
}

export async function connection(): Promise<Connection> {
  const conn = await store.connection();
  if (!conn) throw new NotConnected();
  return conn;
}

export async function call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
  return (await send<T>(method, path, options)).data;
}

/** As `call`, with the answer's status (201 created, 200 the existing one). */
export async function send<T>(method: string, path: string, options: CallOptions = {}): Promise<Answer<T>> {
  const conn = await connection();
  return request<T>(conn.server, method, path, { ...options, token: conn.token });
}

export interface Answer<T> {
  status: number;
  data: T;
}

export async function request<T>(
  server: string,
  method: string,
  path: string,
  options: CallOptions & { token?: string } = {},
): Promise<Answer<T>> {
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: BodyInit | undefined;
  if (options.form) body = options.form;
  else if (options.json !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(options.json);
  }
  let response: Response;
  try {
    response = await fetch(`${server}/api/v1${path}`, { method, headers, body, credentials: "omit" });
  } catch {
    throw new ApiError(`cannot reach ${server}`, 0, "unreachable");
  }
  if (response.status === 401 && options.token) await store.clearConnection();
  if (response.status === 204) return { status: 204, data: undefined as T };
  const data: unknown = await response.json().catch(() => null);
  if (!response.ok) throw errorOf(response.status, data);
  return { status: response.status, data: data as T };
}

export function errorOf(status: number, data: unknown): ApiError {
  const error = (data as { error?: { code?: unknown; message?: unknown; fields?: unknown } } | null)?.error;
  const message = typeof error?.message === "string" ? error.message : `HTTP ${status}`;
  const code = typeof error?.code === "string" ? error.code : "http_error";
  const fields: Record<string, string> = {};
  if (error?.fields && typeof error.fields === "object") {
    for (const [key, value] of Object.entries(error.fields)) {
      if (typeof value === "string") fields[key] = value;
    }
  }
  return new ApiError(message, status, code, fields);
}

/** A message for the user from anything thrown. */
export function describe(error: unknown): string {
  if (error instanceof ApiError) return error.describe();
  if (error instanceof Error) return error.message;
  return String(error);
}
