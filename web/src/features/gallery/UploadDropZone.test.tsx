import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { UploadDropZone } from "src/features/gallery/UploadDropZone";
import { renderPage } from "src/test/render";

/** A stand-in for the browser's XMLHttpRequest: the test answers each request. */
class FakeXhr {
  static sent: FakeXhr[] = [];
  upload: { onprogress?: (e: { lengthComputable: boolean; loaded: number; total: number }) => void } = {};
  onload?: () => void;
  onerror?: () => void;
  onabort?: () => void;
  status = 0;
  statusText = "";
  responseText = "";
  headers: Record<string, string> = {};
  body?: FormData;
  open() {}
  setRequestHeader(name: string, value: string) {
    this.headers[name] = value;
  }
  send(body: FormData) {
    this.body = body;
    FakeXhr.sent.push(this);
  }
  abort() {
    this.onabort?.();
  }
  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ lengthComputable: true, loaded, total });
  }
  answer(status: number, body: unknown) {
    this.status = status;
    this.responseText = JSON.stringify(body);
    this.onload?.();
  }
}

describe("uploads", () => {
  beforeEach(() => {
    FakeXhr.sent = [];
    vi.stubGlobal("XMLHttpRequest", FakeXhr);
  });

  it("shows each file's progress, lets one be cancelled, and says why one was refused", async () => {
    localStorage.setItem("pixsim7.board", "7");
    renderPage(<UploadDropZone heading={<h1>Gallery</h1>}>{null}</UploadDropZone>);
    const user = userEvent.setup();
    const files = ["a.png", "notes.txt", "c.png"].map((name) => new File(["x".repeat(100)], name, { type: "image/png" }));
    await user.upload(screen.getByLabelText("Upload files"), files);

    const list = screen.getByRole("region", { name: "Uploads" });
    const row = (name: string) => within(list).getByRole("listitem", { name: `Upload of ${name}` });
    await waitFor(() => expect(FakeXhr.sent).toHaveLength(1));
    expect((FakeXhr.sent[0]!.body!.get("file") as File).name).toBe("a.png");
    expect(FakeXhr.sent[0]!.body!.get("workspace_id")).toBe("7");
    act(() => FakeXhr.sent[0]!.progress(40, 100));
    expect(within(row("a.png")).getByRole("progressbar")).toHaveAttribute("value", "0.4");
    expect(within(row("c.png")).getByText("waiting")).toBeInTheDocument();
    // The third is cancelled while it waits: it is never sent.
    await user.click(within(row("c.png")).getByRole("button", { name: "Cancel c.png" }));
    act(() => FakeXhr.sent[0]!.answer(201, { id: 31 }));
    expect(await within(row("a.png")).findByRole("link", { name: "added" })).toHaveAttribute("href", "/gallery/31");

    await waitFor(() => expect(FakeXhr.sent).toHaveLength(2));
    act(() =>
      FakeXhr.sent[1]!.answer(415, { error: { code: "unsupported_media_type", message: "not an image or video", fields: { file: "text/plain is not a supported image or video" } } }),
    );
    expect(await within(row("notes.txt")).findByRole("alert")).toHaveTextContent("Refused: text/plain is not a supported image or video");
    expect(within(row("c.png")).getByText("cancelled")).toBeInTheDocument();
    await new Promise((r) => setTimeout(r, 20));
    expect(FakeXhr.sent).toHaveLength(2);
  });
});
