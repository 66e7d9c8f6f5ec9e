/** A job's history entries (the server's `history`), as sentences a user understands. */

export type HistoryEntry = { [key: string]: unknown };

const CAUSES: Record<string, string> = {
  transient: "a temporary error",
  output_moderation: "the output was refused by moderation",
  input_moderation: "the prompt or an input was refused by moderation",
  concurrency: "the account had too many jobs running",
  auth: "the account's credentials were refused",
  quota: "the account ran out of credits",
  invalid: "the request was invalid",
  dependency: "a job it depends on did not complete",
};

function text(entry: HistoryEntry, key: string): string {
  const value = entry[key];
  return typeof value === "string" || typeof value === "number" ? String(value) : "";
}

/** "a temporary error: Pixverse error 500069: high load" */
function cause(entry: HistoryEntry): string {
  const why = CAUSES[text(entry, "error_class")];
  const message = text(entry, "message") || text(entry, "reason");
  return [why, message].filter(Boolean).join(": ");
}

function account(entry: HistoryEntry): string {
  const id = text(entry, "account_id");
  return id ? ` on account #${id}` : "";
}

/** One entry as a sentence. */
export function describeEntry(entry: HistoryEntry): string {
  switch (text(entry, "event")) {
    case "created":
      return "Queued.";
    case "claimed":
      return `Attempt started${account(entry)}.`;
    case "submitted":
      return "The provider accepted it and is working on it.";
    case "requeued":
      return `The attempt failed${account(entry)} (${cause(entry)}); it will be tried again.`;
    case "interrupted":
      return `The attempt was interrupted (${text(entry, "message")}); sent again, not counted as a failure.`;
    case "output retry":
      return `The result could not be saved yet (${text(entry, "message")}); trying again.`;
    case "submit in doubt":
      return "The connection broke while sending it; asking the provider whether it arrived.";
    case "recovered":
      return `Picked up again after a restart: ${text(entry, "how")}.`;
    case "resubmitted":
    case "not cancelled at the provider":
      return `${text(entry, "warning")}.`;
    case "inputs uploaded again":
      return `Inputs uploaded again (${text(entry, "reason")}).`;
    case "cancel requested":
      return `Cancel requested; ${text(entry, "reason")}.`;
    case "cancelled":
      return "Cancelled.";
    case "failed":
      return `Failed${account(entry)}: ${cause(entry)}.`;
    case "completed":
      return "Completed.";
    case "retried":
      return "Sent back to the queue by you.";
    case "updated":
      return "Changed by you.";
    default:
      return `${text(entry, "event")}.`;
  }
}
