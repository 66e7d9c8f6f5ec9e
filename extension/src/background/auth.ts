/**
 * Connecting to a PixSim7 server: the email and password are exchanged once for a token of
 * an "extension" session (named so in the web app's sessions list, revocable there); only
 * the token is kept. Logging out revokes that session on the server.
 */

import { call, request } from "src/background/api";
import { type Connection, store } from "src/background/storage";
import type { LoginResponse } from "src/common/types";

/** The origin of a server address the user typed ("pixsim7.lan:8000" reads as http). */
export function serverOrigin(input: string): string {
  const text = input.trim();
  const withScheme = /^https?:\/\//i.test(text) ? text : `http://${text}`;
  const url = new URL(withScheme);
  if (url.username || url.password) throw new Error("the server address must not hold a user or password");
  return url.origin;
}

export async function connect(server: string, email: string, password: string): Promise<Connection> {
  const origin = serverOrigin(server);
  if (!(await chrome.permissions.contains({ origins: [`${origin}/*`] }))) {
    throw new Error(`the extension may not reach ${origin}: allow it when asked`);
  }
  const { data: answer } = await request<LoginResponse>(origin, "POST", "/auth/login", {
    json: { email, password, kind: "extension" },
  });
  const connection: Connection = {
    server: origin,
    token: answer.access_token,
    user: { id: answer.user.id, email: answer.user.email },
    expiresAt: answer.expires_at,
  };
  await store.setConnection(connection);
  await store.setRemembered({ server: origin, email });
  return connection;
}

export async function logout(): Promise<void> {
  try {
    await call("POST", "/auth/logout");
  } finally {
    await store.clearConnection();
    await store.setTracked([]);
    await chrome.action.setBadgeText({ text: "" });
  }
}
