/**
 * "Animate with PixSim7…": a small dialog on the page (a short-lived content script,
 * injected into the clicked frame only) asks for a prompt, a provider and an operation
 * from the server's provider list (the last choice remembered) and shows the estimated
 * cost; submitting uploads the image (as "Add to PixSim7" does) and creates the job,
 * which the badge and a notification then follow.
 *
 * The dialog never names the image: the service worker keeps what was clicked per tab, so
 * a page cannot make the extension fetch or upload anything else.
 */

import { call } from "src/background/api";
import { addToLibrary } from "src/background/capture";
import { track } from "src/background/jobs";
import { type Choice, type DialogTarget, store } from "src/background/storage";
import type { DialogRequest } from "src/common/messages";
import type { Estimate, Job, Operation, Page, Provider } from "src/common/types";

export interface DialogProvider {
  id: string;
  name: string;
  note: string | null;
  operations: { type: string; label: string }[];
}

export interface DialogInit {
  srcUrl: string;
  providers: DialogProvider[];
  choice: Choice | null;
}

/** The operations that take one image (and nothing else required), by provider. */
export function imageOperations(providers: readonly Provider[]): DialogProvider[] {
  return providers
    .map((p) => ({
      id: p.id,
      name: p.name,
      note: p.is_local ? "renders on the server, no AI model" : p.deprecation,
      operations: p.operations.filter((op) => imageRole(op) !== null).map((op) => ({ type: op.type, label: op.label })),
    }))
    .filter((p) => p.operations.length > 0);
}

/** The role of the operation's image input, when it needs exactly that one input. */
export function imageRole(op: Operation): string | null {
  const required = op.inputs.filter((i) => i.required);
  const image = op.inputs.find((i) => i.media_type === "image");
  if (!image || required.some((i) => i !== image)) return null;
  return image.role;
}

export async function openDialog(target: DialogTarget): Promise<void> {
  await store.setDialog(target);
  await chrome.scripting.executeScript({
    target: { tabId: target.tabId, frameIds: [target.frameId] },
    files: ["dialog.js"],
  });
}

async function operationOf(providerId: string, operation: string): Promise<Operation> {
  const provider = await call<Provider>("GET", `/providers/${encodeURIComponent(providerId)}`);
  const op = provider.operations.find((o) => o.type === operation);
  if (!op || imageRole(op) === null) throw new Error(`${provider.name} cannot animate an image with ${operation}`);
  return op;
}

/** What the estimate counts the image as before it is uploaded: a URL input (the price
 * depends on the parameters and the number of inputs, not on the bytes). */
function standIn(target: DialogTarget): string {
  return /^https?:/i.test(target.srcUrl) ? target.srcUrl : target.pageUrl;
}

export async function handleDialog(request: DialogRequest, target: DialogTarget): Promise<unknown> {
  switch (request.type) {
    case "dialog.init": {
      const providers = await call<Page<Provider>>("GET", "/providers");
      return { srcUrl: target.srcUrl, providers: imageOperations(providers.items), choice: (await store.choice()) ?? null } satisfies DialogInit;
    }
    case "dialog.estimate": {
      const op = await operationOf(request.providerId, request.operation);
      return call<Estimate>("POST", "/jobs/estimate", {
        json: jobBody(request, op, { url: standIn(target) }),
      });
    }
    case "dialog.submit": {
      const op = await operationOf(request.providerId, request.operation);
      const { asset } = await addToLibrary(target);
      const job = await call<Job>("POST", "/jobs", { json: jobBody(request, op, { asset_id: asset.id }) });
      await store.setChoice({ providerId: request.providerId, operation: request.operation });
      await track(job.id);
      return { jobId: job.id, assetId: asset.id };
    }
    case "dialog.close":
      await store.clearDialog(target.tabId);
      return null;
  }
}

function jobBody(
  request: { providerId: string; operation: string; prompt: string },
  op: Operation,
  input: { url: string } | { asset_id: number },
): unknown {
  // The local renderer's pan and zoom takes no prompt: send one only where it is a parameter.
  const takesPrompt = op.params.some((p) => p.name === "prompt");
  return {
    provider_id: request.providerId,
    operation_type: request.operation,
    params: takesPrompt && request.prompt ? { prompt: request.prompt } : {},
    inputs: [{ role: imageRole(op), ...input }],
    name: "From the browser extension",
  };
}
