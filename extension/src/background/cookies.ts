/**
 * A provider's session as the browser holds it: its cookies (httpOnly ones included, which
 * only chrome.cookies can read) folded into one name -> value jar, and the token its web
 * app sends on its own API requests.
 */

import type { Site } from "src/common/sites";

export interface CookieLike {
  name: string;
  value: string;
  domain: string;
  path: string;
  expirationDate?: number;
}

/** One value per name. Where a name is set on several domains or paths, the one a request
 * to the app itself would use wins: the most specific domain, then the root path, then the
 * latest to expire. */
export function cookieJar(cookies: readonly CookieLike[]): Record<string, string> {
  const best = new Map<string, CookieLike>();
  for (const cookie of cookies) {
    const held = best.get(cookie.name);
    if (!held || rank(cookie) > rank(held)) best.set(cookie.name, cookie);
  }
  return Object.fromEntries([...best.values()].map((c) => [c.name, c.value]));
}

function rank(cookie: CookieLike): number {
  const domain = cookie.domain.replace(/^\./, "").length * 1e12;
  const root = cookie.path === "/" ? 1e11 : 0;
  return domain + root + Math.min(cookie.expirationDate ?? 0, 1e10);
}

/** The session token in a request's headers: the named header, or a Bearer authorization. */
export function tokenFrom(
  headers: readonly { name: string; value?: string }[] | undefined,
  headerName: string,
): string | null {
  const header = headers?.find((h) => h.name.toLowerCase() === headerName);
  const value = header?.value?.trim();
  if (!value) return null;
  if (headerName !== "authorization") return value;
  const [scheme, token] = value.split(/\s+/, 2);
  return scheme?.toLowerCase() === "bearer" && token ? token : null;
}

/** Whether the browser looks signed in to the site: a login cookie, or a token seen. */
export function looksSignedIn(site: Site, jar: Record<string, string>, bearer: string | undefined): boolean {
  return Boolean(bearer) || site.loginCookies.some((name) => Boolean(jar[name]));
}

export async function readCookies(site: Site): Promise<chrome.cookies.Cookie[]> {
  const lists = await Promise.all(site.domains.map((domain) => chrome.cookies.getAll({ domain })));
  return lists.flat();
}
