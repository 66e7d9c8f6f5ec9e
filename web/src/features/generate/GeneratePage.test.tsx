import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Operation } from "src/api/providers";
import GeneratePage from "src/features/generate/GeneratePage";
import { asset, param, provider } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

const i2v: Operation = {
  type: "image_to_video",
  label: "Image to video",
  help: "",
  params: [
    param("prompt", "text", { label: "Prompt", required: true }),
    param("seed", "integer", { label: "Seed", minimum: 0, maximum: 10 }),
    param("quality", "enum", { label: "Quality", choices: ["360p", "720p"], default: "360p", required: true }),
    param("loop", "boolean", { label: "Loop" }),
  ],
  inputs: [{ role: "frames", label: "Frames", help: "", media_type: "image", min_count: 1, max_count: 2, required: true }],
};
const pixverse = provider("pixverse", [i2v], { name: "Pixverse", credit_pools: ["web", "openapi"] });
const wait = { timeout: 3000 };

type Body = { params: Record<string, unknown>; inputs: unknown[] };

/** The estimate prices 360p at 10 (web) / 20 (openapi) and 720p at double, and refuses what
 * the API would: no prompt, a seed over 10. Job creation (a batch) answers as `create` says. */
function stubApi(create: (jobs: Body[]) => { status?: number; body: unknown } = () => ({ body: { jobs: [] } })) {
  return stubFetch({
    "GET /api/v1/providers": { body: { items: [pixverse], next_cursor: null } },
    "GET /api/v1/assets": { body: { items: [asset(11), asset(12)], next_cursor: null, total: 2 } },
    "POST /api/v1/jobs/estimate": async (request) => {
      const body = (await request.json()) as Body;
      const fields: Record<string, string> = {};
      if (!body.params.prompt) fields["params.prompt"] = "required";
      if (Number(body.params.seed) > 10) fields["params.seed"] = "must be at most 10";
      if (Object.keys(fields).length) return { status: 422, body: { error: { code: "validation_failed", message: "invalid parameters", fields } } };
      const scale = body.params.quality === "720p" ? 2 : 1;
      const costs = { web: 10 * scale, openapi: 20 * scale };
      return { body: { ...body, provider_id: "pixverse", credit_type: "web", estimated_credits: costs.web, costs } };
    },
    "POST /api/v1/jobs/batch": async (request) => create(((await request.json()) as { jobs: Body[] }).jobs),
  });
}

async function openForm() {
  const view = renderPage(<GeneratePage />, { path: "/generate" });
  fireEvent.change(await screen.findByLabelText("Provider"), { target: { value: "pixverse" } });
  return view;
}

const estimate = () => screen.getByRole("region", { name: "Cost estimate" });
const type = (label: RegExp, value: string) => fireEvent.change(screen.getByLabelText(label), { target: { value } });

describe("the Generate page", () => {
  it("draws the operation's spec as controls", async () => {
    stubApi();
    await openForm();
    expect(screen.getByLabelText("Operation")).toHaveValue("image_to_video");
    expect(screen.getByLabelText(/^Prompt \*/).tagName).toBe("TEXTAREA");
    const seed = screen.getByLabelText(/^Seed/);
    expect(seed).toHaveAttribute("type", "number");
    expect(seed).toHaveAttribute("max", "10");
    expect(screen.getByLabelText(/^Quality \*/)).toHaveValue("360p");
    expect(screen.getByLabelText(/^Loop/)).toHaveAttribute("type", "checkbox");
    expect(screen.getByRole("group", { name: /Frames/ })).toBeInTheDocument();
  });

  it("prices the form as it changes, per pool, times how many", async () => {
    const calls = stubApi();
    await openForm();
    // The form just opened has no prompt: no price, and no nagging about the prompt yet.
    await waitFor(() => expect(estimate()).toHaveTextContent("No estimate until the form is complete"), wait);
    expect(screen.queryByText("required")).not.toBeInTheDocument();

    type(/^Prompt/, "a cat");
    await waitFor(() => expect(within(estimate()).getByText("web").parentElement).toHaveTextContent("10 credits"), wait);
    expect(within(estimate()).getByText("openapi").parentElement).toHaveTextContent("20 credits");

    type(/^Quality/, "720p");
    type(/^How many/, "3");
    await waitFor(() => expect(within(estimate()).getByText("web").parentElement).toHaveTextContent("3 × 20 = 60 credits"), wait);
    // Typing is debounced: the last request carries the last values.
    const priced = calls.filter((c) => c.path === "/api/v1/jobs/estimate");
    expect(JSON.parse(priced.at(-1)!.body).params).toEqual({ prompt: "a cat", quality: "720p", loop: false });
    expect(priced.length).toBeLessThanOrEqual(3);
  });

  it("shows a live field error next to the field the user touched", async () => {
    stubApi();
    await openForm();
    type(/^Seed/, "99");
    const seedField = screen.getByLabelText(/^Seed/).closest("label")!;
    expect(await within(seedField).findByRole("alert", {}, wait)).toHaveTextContent("must be at most 10");
    // The prompt is missing too, but untouched: it is told only once Generate is pressed.
    const promptField = screen.getByLabelText(/^Prompt/).closest("label")!;
    expect(within(promptField).queryByRole("alert")).not.toBeInTheDocument();
  });

  it("puts the API's inputs.<index> errors by the input they are about", async () => {
    stubApi(() => ({
      status: 422,
      body: { error: { code: "validation_failed", message: "invalid inputs", fields: { "jobs.0.inputs.1": "asset not found" } } },
    }));
    await openForm();
    const slot = screen.getByRole("group", { name: /Frames/ });
    for (const id of [11, 12]) {
      fireEvent.click(within(slot).getByRole("button", { name: "Pick from gallery" }));
      fireEvent.click(await within(slot).findByRole("button", { name: `Use asset ${id}` }));
    }
    type(/^Prompt/, "a cat");
    fireEvent.click(screen.getByRole("button", { name: "Generate" }));

    const second = (await within(slot).findByRole("alert", {}, wait)).closest(".slot-item")!;
    expect(second).toHaveTextContent("asset not found");
    expect(within(second as HTMLElement).getByRole("button", { name: "Remove Frames 2" })).toBeInTheDocument();
    expect(screen.getByText(/invalid inputs/)).toBeInTheDocument();
  });

  it("queues several with successive seeds and links each", async () => {
    let next = 40;
    const calls = stubApi((jobs) => ({ status: 201, body: { jobs: jobs.map((b) => ({ id: (next += 1), params: b.params })) } }));
    await openForm();
    const slot = screen.getByRole("group", { name: /Frames/ });
    fireEvent.click(within(slot).getByRole("button", { name: "Pick from gallery" }));
    fireEvent.click(await within(slot).findByRole("button", { name: "Use asset 11" }));
    type(/^Prompt/, "a cat");
    type(/^Seed/, "5");
    type(/^How many/, "2");
    fireEvent.click(screen.getByRole("button", { name: "Generate 2" }));

    expect(await screen.findByRole("link", { name: "#42" }, wait)).toHaveAttribute("href", "/jobs/42");
    expect(screen.getByText(/Queued/)).toHaveTextContent("Queued #41, #42");
    const batches = calls.filter((c) => c.method === "POST" && c.path === "/api/v1/jobs/batch");
    expect(batches).toHaveLength(1); // all or none, in one request
    const created = (JSON.parse(batches[0]?.body ?? "{}") as { jobs: Body[] }).jobs;
    expect(created.map((b) => b.params.seed)).toEqual([5, 6]);
    expect(created[0]?.inputs).toEqual([{ role: "frames", asset_id: 11 }]);
  });

  it("fills the form from a reused job, then keeps it as the draft over a reload", async () => {
    const job = {
      id: 5,
      provider_id: "pixverse",
      operation_type: "image_to_video",
      params: { prompt: "a fox at dawn", seed: 7, quality: "720p", loop: true },
      inputs: [{ role: "frames", asset_id: 11 }, { role: "frames", url: "https://example.com/x.png" }],
      priority: 10,
    };
    stubFetch({
      "GET /api/v1/providers": { body: { items: [pixverse], next_cursor: null } },
      "GET /api/v1/jobs/5": { body: job },
      "GET /api/v1/assets/11": { body: asset(11) },
      "POST /api/v1/jobs/estimate": { status: 422, body: { error: { code: "x", message: "x", fields: {} } } },
    });
    const first = renderPage(<GeneratePage />, { path: "/generate", url: "/generate?reuse=5" });
    expect(await screen.findByText("Filled from job #5: change what you like and generate again.")).toBeInTheDocument();
    expect(screen.getByLabelText(/^Provider/)).toHaveValue("pixverse");
    expect(screen.getByLabelText(/^Prompt/)).toHaveValue("a fox at dawn");
    expect(screen.getByLabelText(/^Seed/)).toHaveValue(7);
    expect(screen.getByLabelText(/^Quality/)).toHaveValue("720p");
    expect(screen.getByLabelText(/^Loop/)).toBeChecked();
    expect(screen.getByLabelText(/^Priority/)).toHaveValue(10);
    expect(within(screen.getByRole("group", { name: /Frames/ })).getByRole("button", { name: "Remove Frames 1" })).toBeInTheDocument();
    expect(screen.getByRole("list", { name: "Not reused" })).toHaveTextContent("frames: a URL not fetched yet (https://example.com/x.png)");
    await waitFor(() => expect(first.router.state.location.search).toBe(""));

    type(/^Prompt/, "a fox at dusk");
    first.unmount();
    // A reload: the page opens on the draft, not on the job.
    renderPage(<GeneratePage />, { path: "/generate" });
    expect(await screen.findByLabelText(/^Prompt/)).toHaveValue("a fox at dusk");
    expect(screen.getByLabelText(/^Quality/)).toHaveValue("720p");
    expect(within(screen.getByRole("group", { name: /Frames/ })).getByRole("button", { name: "Remove Frames 1" })).toBeInTheDocument();
    fireEvent.click(screen.getByRole("button", { name: "Start over" }));
    expect(screen.getByLabelText(/^Provider/)).toHaveValue("");
    expect(localStorage.getItem("pixsim7.generate.draft")).toBeNull();
  });
});
