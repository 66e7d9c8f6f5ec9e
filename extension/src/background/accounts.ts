/**
 * The user's provider accounts in the popup: list, sync one, and open the provider's site
 * signed in as one of them. The last replaces the browser's session on that site with the
 * account's stored cookies, which the server gives only to this extension's token, for the
 * user's own accounts; cookies are written only on the provider's own domain.
 */

import { call } from "src/background/api";
import { readCookies } from "src/background/cookies";
import { siteOf } from "src/common/sites";
import type { Account, Page, SyncResult } from "src/common/types";

export interface AccountRow {
  id: number;
  providerId: string;
  name: string;
  status: string;
  statusMessage: string | null;
  credits: string; // "web 120 · openapi 40"
  load: string; // "1 of 5 running"
  canOpen: boolean; // the user's own account with a browser session, on a known site
  canSync: boolean;
}

export function accountRow(account: Account, userId: number): AccountRow {
  const credits = Object.entries(account.credits)
    .map(([pool, amount]) => `${pool} ${Math.round(amount * 100) / 100}`)
    .join(" · ");
  return {
    id: account.id,
    providerId: account.provider_id,
    name: account.nickname || account.email || account.provider_user_id || `account ${account.id}`,
    status: account.status,
    statusMessage: account.status_message,
    credits: credits || "no credits reported",
    load: `${account.in_flight_jobs} of ${account.max_concurrent_jobs} running`,
    canOpen:
      account.owner_id === userId &&
      (account.has_cookies || account.has_jwt_token) &&
      siteOf(account.provider_id) !== undefined,
    canSync: account.can_manage,
  };
}

export async function listAccounts(userId: number): Promise<AccountRow[]> {
  const page = await call<Page<Account>>("GET", "/accounts?limit=100");
  return page.items.filter((a) => a.provider_id !== "local").map((a) => accountRow(a, userId));
}

export async function syncAccount(accountId: number): Promise<SyncResult> {
  return call<SyncResult>("POST", `/accounts/${accountId}/sync`);
}

interface SessionCookies {
  account_id: number;
  provider_id: string;
  cookies: Record<string, string>;
}

export async function openSignedIn(accountId: number): Promise<void> {
  const answer = await call<SessionCookies>("POST", `/extension/accounts/${accountId}/session`);
  const site = siteOf(answer.provider_id);
  if (!site) throw new Error(`no known site for ${answer.provider_id}`);
  // Sign the browser out of whoever is signed in there, then in as this account.
  for (const cookie of await readCookies(site)) {
    const host = cookie.domain.replace(/^\./, "");
    await chrome.cookies.remove({ url: `https://${host}${cookie.path}`, name: cookie.name });
  }
  const domain = site.domains[0] as string;
  for (const [name, value] of Object.entries(answer.cookies)) {
    await chrome.cookies.set({ url: site.url, domain: `.${domain}`, path: "/", name, value, secure: true, sameSite: "lax" });
  }
  await chrome.tabs.create({ url: site.url });
}
