/**
 * The providers' own web apps: where their cookies live, which of their requests carry the
 * session token, and where to open them. Only these domains are ever read or written.
 *
 * Sources: Pixverse's `_ai_token` cookie and its `token` request header are in the
 * project's PROVIDERS.md and public client code; Sora's `__Secure-next-auth.session-token`
 * cookie and `Authorization: Bearer` on sora.chatgpt.com/backend come from public client
 * code only; Runway's app (app.runwayml.com calling api.runwayml.com with a bearer token)
 * is inferred. The server imports Pixverse sessions; it refuses Sora and Runway ones with
 * its own message (their APIs take API keys).
 */

export interface Site {
  providerId: string;
  name: string;
  /** Registrable domains whose cookies make up the session (subdomains included). */
  domains: string[];
  /** Page opened by "Open signed in" and used as the cookie URL. */
  url: string;
  /** The web app's API requests that carry the session token. */
  apiPatterns: string[];
  /** The request header holding the token (lower case); "authorization" is read as Bearer. */
  tokenHeader: string;
  /** Cookies whose appearance means someone signed in. */
  loginCookies: string[];
}

export const SITES: readonly Site[] = [
  {
    providerId: "pixverse",
    name: "Pixverse",
    domains: ["pixverse.ai"],
    url: "https://app.pixverse.ai/",
    apiPatterns: ["https://app-api.pixverse.ai/*"],
    tokenHeader: "token",
    loginCookies: ["_ai_token"],
  },
  {
    providerId: "sora",
    name: "Sora",
    domains: ["chatgpt.com"],
    url: "https://sora.chatgpt.com/",
    apiPatterns: ["https://sora.chatgpt.com/backend/*"],
    tokenHeader: "authorization",
    loginCookies: ["__Secure-next-auth.session-token"],
  },
  {
    providerId: "runway",
    name: "Runway",
    domains: ["runwayml.com"],
    url: "https://app.runwayml.com/",
    apiPatterns: ["https://api.runwayml.com/*"],
    tokenHeader: "authorization",
    loginCookies: [],
  },
];

export function siteOf(providerId: string): Site | undefined {
  return SITES.find((s) => s.providerId === providerId);
}

/** The site whose domains hold `host` (a hostname, or a cookie domain with a leading dot). */
export function siteForHost(host: string): Site | undefined {
  const bare = host.replace(/^\./, "").toLowerCase();
  return SITES.find((s) => s.domains.some((d) => bare === d || bare.endsWith(`.${d}`)));
}

export function siteForUrl(url: string | undefined): Site | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" ? siteForHost(parsed.hostname) : undefined;
  } catch {
    return undefined;
  }
}
