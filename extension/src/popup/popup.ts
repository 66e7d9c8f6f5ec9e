/**
 * The toolbar popup: connect to a server, import provider sessions, see and use accounts.
 * It asks the service worker for everything but host access to the server, which only a
 * page can ask for (the browser shows the prompt for that origin alone).
 */

import type { AccountRow } from "src/background/accounts";
import { serverOrigin } from "src/background/auth";
import { type ImportSummary, type SiteStatus, describeImport } from "src/background/importer";
import type { Status } from "src/background/router";
import type { PopupRequest, Reply } from "src/common/messages";

const app = document.getElementById("app") as HTMLElement;

async function ask<T>(request: PopupRequest): Promise<T> {
  const reply = (await chrome.runtime.sendMessage(request)) as Reply<T> | undefined;
  if (!reply) throw new Error("the extension did not answer");
  if (!reply.ok) throw new Error(reply.error);
  return reply.data;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function say(target: HTMLElement, text: string, kind: "ok" | "error" | "muted"): void {
  target.className = kind;
  target.textContent = text;
}

async function render(): Promise<void> {
  const status = await ask<Status>({ type: "status" });
  app.replaceChildren(el("h1", {}, "PixSim7"));
  if (!status.connected) {
    app.append(connectForm(status));
    return;
  }
  const logout = el("button", { type: "button" }, "Log out");
  logout.addEventListener("click", async () => {
    await ask({ type: "logout" }).catch(() => undefined);
    await render();
  });
  app.append(
    el("section", {}, el("div", { className: "line" }, el("span", { className: "muted" }, `Connected to ${status.server} as ${status.email}`), logout)),
    await sessionsSection(status),
    await accountsSection(),
  );
}

function connectForm(status: Status): HTMLElement {
  const server = el("input", { type: "text", name: "server", required: true, value: status.server ?? "", placeholder: "http://127.0.0.1:8000" });
  const email = el("input", { type: "text", name: "email", required: true, value: status.email ?? "", autocomplete: "username" });
  const password = el("input", { type: "password", name: "password", required: true, autocomplete: "current-password" });
  const message = el("p", { className: "muted", role: "status" }, "The password is sent once for a token and not kept.");
  const form = el(
    "form",
    { ariaLabel: "Connect" },
    el("label", {}, "Server address", server),
    el("label", {}, "Email or username", email),
    el("label", {}, "Password", password),
    el("button", { type: "submit", className: "primary" }, "Connect"),
    message,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    try {
      const origin = serverOrigin(server.value);
      // Asked from the click itself: the browser prompts for this one origin.
      if (!(await chrome.permissions.request({ origins: [`${origin}/*`] }))) {
        say(message, `Access to ${origin} was not allowed.`, "error");
        return;
      }
      say(message, "Connecting…", "muted");
      await ask({ type: "connect", server: origin, email: email.value, password: password.value });
      password.value = "";
      await render();
    } catch (error) {
      say(message, (error as Error).message, "error");
    }
  });
  return form;
}

async function sessionsSection(status: Status): Promise<HTMLElement> {
  const sites = await ask<SiteStatus[]>({ type: "sites" });
  const result = el("p", { className: "muted", role: "status", id: "import-result" });
  const list = el("ul", { ariaLabel: "Provider sessions" });
  for (const site of sites) {
    const button = el("button", { type: "button" }, `Import ${site.name} session`);
    button.disabled = !site.signedIn;
    button.addEventListener("click", async () => {
      say(result, `Importing the ${site.name} session…`, "muted");
      try {
        const summary = await ask<ImportSummary>({ type: "import", providerId: site.providerId });
        say(result, describeImport(summary), summary.ok ? "ok" : "error");
        await refreshAccounts();
      } catch (error) {
        say(result, (error as Error).message, "error");
      }
    });
    const state = site.signedIn ? "signed in in this browser" : "not signed in";
    list.append(el("li", {}, el("div", { className: "line" }, el("span", {}, `${site.name} · `, el("span", { className: "muted" }, state)), button)));
  }
  const auto = el("input", { type: "checkbox", checked: status.autoImport });
  auto.addEventListener("change", () => void ask({ type: "autoImport", enabled: auto.checked }));
  return el("section", {}, el("h2", {}, "Provider sessions"), list, el("label", { className: "check" }, auto, "Import automatically when I sign in"), result);
}

const accountsHolder = el("section", { ariaLabel: "Accounts" });

async function accountsSection(): Promise<HTMLElement> {
  await refreshAccounts();
  return accountsHolder;
}

async function refreshAccounts(): Promise<void> {
  const message = el("p", { className: "muted", role: "status" });
  let rows: AccountRow[];
  try {
    rows = await ask<AccountRow[]>({ type: "accounts" });
  } catch (error) {
    accountsHolder.replaceChildren(el("h2", {}, "Accounts"), el("p", { className: "error" }, (error as Error).message));
    return;
  }
  const list = el("ul", {});
  for (const row of rows) list.append(accountItem(row, message));
  const empty = rows.length ? [] : [el("p", { className: "muted" }, "No provider accounts yet.")];
  accountsHolder.replaceChildren(el("h2", {}, "Accounts"), ...empty, list, message);
}

function accountItem(row: AccountRow, message: HTMLElement): HTMLElement {
  const sync = el("button", { type: "button", disabled: !row.canSync }, "Sync");
  sync.addEventListener("click", async () => {
    try {
      const result = await ask<{ ok: boolean; message: string | null }>({ type: "sync", accountId: row.id });
      say(message, result.ok ? `${row.name} synced` : `${row.name}: ${result.message}`, result.ok ? "ok" : "error");
      await refreshAccounts();
    } catch (error) {
      say(message, (error as Error).message, "error");
    }
  });
  const open = el("button", { type: "button", disabled: !row.canOpen }, "Open signed in");
  open.addEventListener("click", async () => {
    try {
      await ask({ type: "openSignedIn", accountId: row.id });
    } catch (error) {
      say(message, (error as Error).message, "error");
    }
  });
  const status = row.statusMessage ? `${row.status}: ${row.statusMessage}` : row.status;
  return el(
    "li",
    { ariaLabel: row.name },
    el("div", { className: "line" }, el("strong", {}, row.name), el("span", { className: "badge" }, `${row.providerId} · ${status}`)),
    el("span", { className: "muted" }, `${row.credits} · ${row.load}`),
    el("div", { className: "line" }, sync, open),
  );
}

void render().catch((error: Error) => app.replaceChildren(el("p", { className: "error" }, error.message)));
