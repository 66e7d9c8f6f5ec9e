/**
 * The "Animate with PixSim7…" dialog, injected into the clicked frame for as long as it is
 * open. It lives in a shadow root (the page's styles do not reach it), acts only on trusted
 * input events (the page's scripts cannot press its buttons), and asks the service worker
 * for everything; it never sees the token or names the image.
 */

import type { DialogInit } from "src/background/animate";
import type { DialogRequest, Reply } from "src/common/messages";
import type { Estimate } from "src/common/types";

const HOST_ID = "pixsim7-animate-dialog";

const STYLE = `
  :host { all: initial; }
  * { box-sizing: border-box; }
  .backdrop { position: fixed; inset: 0; background: rgba(15, 23, 42, .45); z-index: 2147483647;
    display: flex; align-items: center; justify-content: center; font: 14px system-ui, sans-serif; }
  form { background: #fff; color: #0f172a; border-radius: 10px; padding: 16px; width: 360px;
    box-shadow: 0 10px 40px rgba(0,0,0,.3); display: grid; grid-template-columns: minmax(0, 1fr); gap: 10px; }
  h2 { margin: 0; font-size: 16px; }
  img { max-width: 100%; max-height: 140px; object-fit: contain; border-radius: 6px; background: #f1f5f9; }
  label { display: grid; gap: 4px; font-weight: 600; font-size: 12px; }
  textarea, select { width: 100%; font: inherit; padding: 6px; border: 1px solid #cbd5e1; border-radius: 6px; }
  .row { display: flex; gap: 8px; justify-content: flex-end; }
  button { font: inherit; padding: 6px 14px; border-radius: 6px; border: 1px solid #cbd5e1; background: #fff; cursor: pointer; }
  button[type=submit] { background: #4f46e5; border-color: #4f46e5; color: #fff; }
  .muted { color: #475569; font-size: 12px; }
  .error { color: #b91c1c; }
`;

async function ask<T>(request: DialogRequest): Promise<T> {
  const reply = (await chrome.runtime.sendMessage(request)) as Reply<T> | undefined;
  if (!reply) throw new Error("the extension did not answer");
  if (!reply.ok) throw new Error(reply.error);
  return reply.data;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, props: Partial<HTMLElementTagNameMap[K]> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  return element("label", {}, text, control);
}

function build(init: DialogInit, close: () => void): HTMLElement {
  const prompt = element("textarea", { rows: 3, placeholder: "What happens in the video?" });
  const provider = element("select");
  const operation = element("select");
  const estimate = element("p", { className: "muted" }, "Estimating…");
  const status = element("p", { className: "muted", role: "status" });
  const submit = element("button", { type: "submit" }, "Animate");
  const cancel = element("button", { type: "button" }, "Cancel");

  for (const p of init.providers) provider.append(element("option", { value: p.id }, p.note ? `${p.name} (${p.note})` : p.name));
  const fillOperations = () => {
    const chosen = init.providers.find((p) => p.id === provider.value);
    operation.replaceChildren(...(chosen?.operations ?? []).map((op) => element("option", { value: op.type }, op.label)));
  };
  if (init.choice && init.providers.some((p) => p.id === init.choice?.providerId)) provider.value = init.choice.providerId;
  fillOperations();
  if (init.choice && [...operation.options].some((o) => o.value === init.choice?.operation)) operation.value = init.choice.operation;

  let timer: ReturnType<typeof setTimeout> | undefined;
  const reestimate = () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      try {
        const answer = await ask<Estimate>({ type: "dialog.estimate", providerId: provider.value, operation: operation.value, prompt: prompt.value });
        estimate.textContent = `Estimated cost: ${answer.estimated_credits} credits${answer.credit_type ? ` (${answer.credit_type})` : ""}`;
        estimate.className = "muted";
      } catch (error) {
        estimate.textContent = `No estimate: ${(error as Error).message}`;
        estimate.className = "muted error";
      }
    }, 250);
  };
  provider.addEventListener("change", () => {
    fillOperations();
    reestimate();
  });
  operation.addEventListener("change", reestimate);
  reestimate();

  const form = element(
    "form",
    { ariaLabel: "Animate with PixSim7" },
    element("h2", {}, "Animate with PixSim7"),
    element("img", { src: init.srcUrl, alt: "The image to animate" }),
    labelled("Prompt", prompt),
    labelled("Provider", provider),
    labelled("Operation", operation),
    estimate,
    status,
    element("div", { className: "row" }, cancel, submit),
  );
  cancel.addEventListener("click", (event) => event.isTrusted && close());
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (!event.isTrusted || submit.disabled) return;
    submit.disabled = true;
    status.className = "muted";
    status.textContent = "Uploading the image and starting the job…";
    try {
      const started = await ask<{ jobId: number }>({ type: "dialog.submit", providerId: provider.value, operation: operation.value, prompt: prompt.value });
      status.textContent = `Started job #${started.jobId}. You will be notified when it is done.`;
      setTimeout(close, 2500);
    } catch (error) {
      status.className = "muted error";
      status.textContent = (error as Error).message;
      submit.disabled = false;
    }
  });
  return form;
}

async function main(): Promise<void> {
  document.getElementById(HOST_ID)?.remove();
  const host = element("div", { id: HOST_ID });
  const root = host.attachShadow({ mode: "open" });
  root.append(element("style", {}, STYLE));
  const backdrop = element("div", { className: "backdrop" }, element("p", {}, "Loading…"));
  root.append(backdrop);
  document.documentElement.append(host);
  const close = () => {
    host.remove();
    void ask({ type: "dialog.close" }).catch(() => undefined);
  };
  try {
    const init = await ask<DialogInit>({ type: "dialog.init" });
    backdrop.replaceChildren(build(init, close));
  } catch (error) {
    const dismiss = element("button", { type: "button" }, "Close");
    dismiss.addEventListener("click", (event) => event.isTrusted && close());
    backdrop.replaceChildren(element("form", {}, element("p", { className: "error" }, (error as Error).message), dismiss));
  }
}

void main();
