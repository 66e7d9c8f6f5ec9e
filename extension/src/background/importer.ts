/**
 * Session import: the signed-in provider session in this browser (its cookies, and the
 * token seen on its web app's requests) goes to the server, which asks the provider whose
 * it is and creates or updates that account. Optionally automatic: a login cookie that
 * appears (cookie changes, debounced) imports on its own; off by default.
 */

import { call } from "src/background/api";
import { cookieJar, looksSignedIn, readCookies } from "src/background/cookies";
import { notify } from "src/background/notify";
import { store } from "src/background/storage";
import { SITES, type Site, siteForHost, siteOf } from "src/common/sites";
import type { ImportResult } from "src/common/types";

export interface ImportSummary {
  created: boolean;
  accountId: number;
  providerId: string;
  name: string;
  email: string | null;
  credits: Record<string, number>;
  ok: boolean; // the balance check after the import succeeded
  message: string | null;
}

export interface SiteStatus {
  providerId: string;
  name: string;
  url: string;
  signedIn: boolean;
}

const DEBOUNCE_MS = 3000;
const pending = new Map<string, ReturnType<typeof setTimeout>>();

/** What the popup shows of the server's answer: which account, whose, its credits. */
export function summarize(result: ImportResult): ImportSummary {
  const account = result.account;
  return {
    created: result.created,
    accountId: account.id,
    providerId: account.provider_id,
    name: account.nickname || account.email || account.provider_user_id || `account ${account.id}`,
    email: account.email,
    credits: result.credits ?? account.credits,
    ok: result.ok,
    message: result.message,
  };
}

export async function sessionOf(site: Site): Promise<{ cookies: Record<string, string>; bearer?: string }> {
  const cookies = cookieJar(await readCookies(site));
  const bearer = await store.bearer(site.providerId);
  return bearer ? { cookies, bearer } : { cookies };
}

export async function importSession(providerId: string): Promise<ImportSummary> {
  const site = siteOf(providerId);
  if (!site) throw new Error(`unknown provider ${providerId}`);
  const { cookies, bearer } = await sessionOf(site);
  if (!Object.keys(cookies).length && !bearer) {
    throw new Error(`no ${site.name} session in this browser: sign in at ${site.url} first`);
  }
  const raw: Record<string, unknown> = { cookies };
  if (bearer) raw.bearer_token = bearer;
  const result = await call<ImportResult>("POST", "/accounts/import-cookies", {
    json: { provider_id: providerId, raw_data: raw },
  });
  return summarize(result);
}

export async function siteStatuses(): Promise<SiteStatus[]> {
  return Promise.all(
    SITES.map(async (site) => {
      const { cookies, bearer } = await sessionOf(site);
      return { providerId: site.providerId, name: site.name, url: site.url, signedIn: looksSignedIn(site, cookies, bearer) };
    }),
  );
}

/** Import `providerId` a little after its login settles, if automatic import is on. */
export function scheduleAutoImport(providerId: string): void {
  clearTimeout(pending.get(providerId));
  pending.set(
    providerId,
    setTimeout(() => {
      pending.delete(providerId);
      void autoImport(providerId);
    }, DEBOUNCE_MS),
  );
}

async function autoImport(providerId: string): Promise<void> {
  if (!(await store.settings()).autoImport || !(await store.connection())) return;
  const site = siteOf(providerId);
  try {
    const summary = await importSession(providerId);
    await notify({ kind: "none" }, `${site?.name} session imported`, describeImport(summary));
  } catch (error) {
    await notify({ kind: "none" }, `${site?.name} session not imported`, error instanceof Error ? error.message : String(error));
  }
}

export function describeImport(summary: ImportSummary): string {
  const credits = Object.entries(summary.credits)
    .map(([pool, amount]) => `${pool} ${amount}`)
    .join(", ");
  const who = summary.email && summary.email !== summary.name ? `${summary.name} (${summary.email})` : summary.name;
  return `${summary.created ? "Added" : "Updated"} ${who}${credits ? `: ${credits} credits` : ""}`;
}

export function installAutoImport(): void {
  chrome.cookies.onChanged.addListener(({ cookie, removed }) => {
    if (removed || !cookie.value) return;
    const site = siteForHost(cookie.domain);
    if (site?.loginCookies.includes(cookie.name)) scheduleAutoImport(site.providerId);
  });
}
