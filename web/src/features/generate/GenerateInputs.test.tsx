import { fireEvent, screen, waitFor, within } from "@testing-library/react";
import type { Operation } from "src/api/providers";
import GeneratePage from "src/features/generate/GeneratePage";
import { asset, param, provider } from "src/test/fixtures";
import { renderPage, stubFetch } from "src/test/render";

const slot = (role: string, label: string, media_type: string) => ({
  role,
  label,
  help: "",
  media_type,
  min_count: 1,
  max_count: 1,
  required: true,
});
const prompt = param("prompt", "text", { label: "Prompt" });
const ops: Operation[] = [
  { type: "text_to_video", label: "Text card", help: "", params: [prompt], inputs: [] },
  { type: "image_to_video", label: "Pan and zoom", help: "", params: [prompt], inputs: [slot("source_image", "Image", "image")] },
  { type: "video_extend", label: "Extend video", help: "", params: [prompt], inputs: [slot("source_video", "Video to continue", "video")] },
];
const video = asset(12, { media_type: "video", mime_type: "video/mp4", original_filename: "clip.mp4" });
const wait = { timeout: 3000 };
type Body = { operation_type: string; inputs: unknown[] };

function stubApi() {
  return stubFetch({
    "GET /api/v1/providers": { body: { items: [provider("local", ops, { name: "Local" })], next_cursor: null } },
    "GET /api/v1/assets/12": { body: video },
    "POST /api/v1/assets/upload": { status: 201, body: video },
    "POST /api/v1/jobs/estimate": async (request) => ({ body: { ...(await request.json()), estimated_credits: 0, costs: {} } }),
    "POST /api/v1/jobs/batch": async (request) => ({
      status: 201,
      body: { jobs: ((await request.json()) as { jobs: Body[] }).jobs.map((b, i) => ({ id: 50 + i, params: {}, ...b })) },
    }),
  });
}

const sent = (calls: ReturnType<typeof stubApi>) =>
  calls.filter((c) => c.path === "/api/v1/jobs/batch").map((c) => (JSON.parse(c.body) as { jobs: Body[] }).jobs[0]);

describe("inputs carried into Generate", () => {
  it("open an operation that takes them, and are never dropped without a word", async () => {
    const calls = stubApi();
    renderPage(<GeneratePage />, { path: "/generate", url: "/generate?input=12" });
    expect(await screen.findByText("video #12 is ready to use as input: choose a provider.", {}, wait)).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText("Provider"), { target: { value: "local" } });

    // "Use as input" on a video: the operation shown is one that takes a video, holding it.
    expect(screen.getByLabelText("Operation")).toHaveValue("video_extend");
    const held = screen.getByRole("group", { name: /Video to continue/ });
    expect(within(held).getByRole("button", { name: "Remove Video to continue 1" })).toBeInTheDocument();

    // An image-only operation says the video is not used, and does not send it.
    fireEvent.change(screen.getByLabelText("Operation"), { target: { value: "image_to_video" } });
    expect(screen.getByRole("status")).toHaveTextContent("video #12 is not used: Pan and zoom takes no video.");
    expect(within(screen.getByRole("group", { name: /Image/ })).queryByRole("button", { name: /Remove/ })).toBeNull();
    fireEvent.change(screen.getByLabelText(/^Prompt/), { target: { value: "pan" } });
    fireEvent.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(sent(calls)).toHaveLength(1), wait);
    expect(sent(calls)[0]).toMatchObject({ operation_type: "image_to_video", inputs: [] });

    // Back on an operation that takes it, it is used again.
    fireEvent.change(screen.getByLabelText("Operation"), { target: { value: "video_extend" } });
    expect(screen.queryByRole("status")).toBeNull();
    expect(within(screen.getByRole("group", { name: /Video to continue/ })).getByRole("button", { name: /Remove/ })).toBeInTheDocument();
    fireEvent.change(screen.getByLabelText(/^Prompt/), { target: { value: "more" } });
    fireEvent.click(screen.getByRole("button", { name: "Generate" }));
    await waitFor(() => expect(sent(calls)).toHaveLength(2), wait);
    expect(sent(calls)[1]).toMatchObject({ operation_type: "video_extend", inputs: [{ role: "source_video", asset_id: 12 }] });
  });

  it("can be removed once not used, and stay removed", async () => {
    stubApi();
    renderPage(<GeneratePage />, { path: "/generate", url: "/generate?input=12" });
    await screen.findByText(/ready to use as input/, {}, wait);
    fireEvent.change(screen.getByLabelText("Provider"), { target: { value: "local" } });
    fireEvent.change(screen.getByLabelText("Operation"), { target: { value: "text_to_video" } });
    fireEvent.click(screen.getByRole("button", { name: "Remove unused video #12" }));
    expect(screen.queryByText(/is not used/)).toBeNull();
    fireEvent.change(screen.getByLabelText("Operation"), { target: { value: "video_extend" } });
    expect(within(screen.getByRole("group", { name: /Video to continue/ })).queryByRole("button", { name: /Remove/ })).toBeNull();
  });

  it("a slot refuses a file of another media type, saying so", async () => {
    stubApi();
    renderPage(<GeneratePage />, { path: "/generate" });
    fireEvent.change(await screen.findByLabelText("Provider", {}, wait), { target: { value: "local" } });
    fireEvent.change(screen.getByLabelText("Operation"), { target: { value: "image_to_video" } });
    const image = screen.getByRole("group", { name: /Image/ });
    const file = new File(["x"], "clip.mp4", { type: "video/mp4" });
    fireEvent.change(within(image).getByLabelText("Upload Image"), { target: { files: [file] } });
    expect(await within(image).findByRole("alert", {}, wait)).toHaveTextContent(
      "Not added: clip.mp4 is video, and Image takes image only.",
    );
    expect(within(image).queryByRole("button", { name: /Remove/ })).toBeNull();
  });
});
