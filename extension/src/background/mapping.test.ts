import { accountRow } from "src/background/accounts";
import { imageOperations, imageRole } from "src/background/animate";
import { fileName, sourceUrl } from "src/background/capture";
import { describeImport, summarize } from "src/background/importer";
import { badgeText, endMessage } from "src/background/jobs";
import { pageFor } from "src/background/notify";
import { parseFrames } from "src/background/sse";
import type { Account, ImportResult, Job, Provider } from "src/common/types";

const account = (over: Partial<Account> = {}): Account => ({
  id: 9,
  provider_id: "pixverse",
  nickname: "User 100001",
  email: "user100001@example.com",
  provider_user_id: "100001",
  status: "active",
  status_message: null,
  credits: { web: 120.5 },
  in_flight_jobs: 1,
  max_concurrent_jobs: 5,
  can_manage: true,
  owner_id: 3,
  has_cookies: true,
  has_jwt_token: true,
  ...over,
});

describe("import identity", () => {
  const result: ImportResult = { ok: true, error_class: null, message: null, credits: { web: 10000 }, account: account(), created: true };

  it("names the account the server created, whose it is, and its credits", () => {
    const summary = summarize(result);
    expect(summary).toMatchObject({ created: true, accountId: 9, name: "User 100001", email: "user100001@example.com" });
    expect(describeImport(summary)).toBe("Added User 100001 (user100001@example.com): web 10000 credits");
  });

  it("falls back from nickname to email to the provider's id", () => {
    const bare = summarize({ ...result, created: false, credits: null, account: account({ nickname: null, email: null }) });
    expect(describeImport(bare)).toBe("Updated 100001: web 120.5 credits");
  });
});

describe("accountRow", () => {
  it("shows status, credits per pool and in-flight of max", () => {
    const row = accountRow(account({ credits: { web: 12, openapi: 3.333 } }), 3);
    expect(row).toMatchObject({ credits: "web 12 · openapi 3.33", load: "1 of 5 running", canOpen: true, canSync: true });
  });

  it("opens only the user's own accounts that hold a browser session", () => {
    expect(accountRow(account({ owner_id: 4 }), 3).canOpen).toBe(false); // shared by another
    expect(accountRow(account({ has_cookies: false, has_jwt_token: false }), 3).canOpen).toBe(false);
    expect(accountRow(account({ provider_id: "comfyui" }), 3).canOpen).toBe(false);
  });
});

describe("jobs", () => {
  it("counts unfinished jobs on the badge", () => {
    expect(badgeText({ by_status: { pending: 2, processing: 1, completed: 9 } })).toBe("3");
    expect(badgeText({ by_status: { completed: 4 } })).toBe("");
    expect(badgeText({ by_status: { pending: 5000 } })).toBe("999");
  });

  it("says how a job ended", () => {
    const job: Job = { id: 4, status: "failed", asset_id: null, error_message: "moderated", provider_id: "x", operation_type: "y" };
    expect(endMessage(job)).toEqual({ title: "Job failed", message: "Job #4: moderated" });
    expect(endMessage({ ...job, status: "completed" }).title).toBe("Video ready");
  });

  it("opens the asset or the job a notification names", () => {
    expect(pageFor("pixsim7-asset-12-abc", "http://h:8000")).toBe("http://h:8000/gallery/12");
    expect(pageFor("pixsim7-job-7-abc", "http://h:8000")).toBe("http://h:8000/jobs/7");
    expect(pageFor("pixsim7-none-abc", "http://h:8000")).toBeNull();
    expect(pageFor("other-asset-1-x", "http://h:8000")).toBeNull();
  });
});

describe("parseFrames", () => {
  it("reads complete frames and keeps the rest", () => {
    const text = 'retry: 2000\n: connected\n\nid: 5\nevent: job.updated\ndata: {"seq":1}\n\nevent: events.lost\ndata: {"seq":3}\n\ndata: {"se';
    const { frames, rest } = parseFrames(text);
    expect(frames).toEqual([
      { id: "5", event: "job.updated", data: '{"seq":1}' },
      { event: "events.lost", data: '{"seq":3}' },
    ]);
    expect(rest).toBe('data: {"se');
  });
});

describe("capture", () => {
  it("names the file after the URL and keeps only http(s) pages as the source", () => {
    expect(fileName("https://a.test/p/photo%201.png?x=1")).toBe("photo 1.png");
    expect(fileName("data:image/png;base64,AAAA")).toBe("capture");
    expect(sourceUrl("https://a.test/album")).toBe("https://a.test/album");
    expect(sourceUrl("file:///home/me/a.html")).toBeNull();
  });
});

describe("animate", () => {
  const op = (type: string, inputs: Provider["operations"][number]["inputs"]) => ({ type, label: type, params: [], inputs });
  const provider: Provider = {
    id: "local",
    name: "Local",
    is_local: true,
    deprecation: null,
    operations: [
      op("text_to_video", []),
      op("image_to_video", [{ role: "source_image", media_type: "image", required: true }]),
      op("video_transition", [{ role: "images", media_type: "image", required: true }, { role: "video", media_type: "video", required: true }]),
    ],
  };

  it("offers the operations that take one image", () => {
    expect(imageRole(provider.operations[1]!)).toBe("source_image");
    expect(imageRole(provider.operations[2]!)).toBeNull();
    expect(imageOperations([provider, { ...provider, id: "none", operations: [op("text_to_video", [])] }])).toEqual([
      { id: "local", name: "Local", note: "renders on the server, no AI model", operations: [{ type: "image_to_video", label: "image_to_video" }] },
    ]);
  });
});
