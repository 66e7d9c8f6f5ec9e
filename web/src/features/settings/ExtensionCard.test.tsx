import { screen } from "@testing-library/react";
import { ExtensionCard } from "src/features/settings/ExtensionCard";
import { renderPage, stubFetch } from "src/test/render";

describe("ExtensionCard", () => {
  it("offers the download and the three steps to load it", async () => {
    stubFetch({
      "GET /api/v1/extension": () => ({
        body: {
          available: true,
          version: "0.1.0",
          size_bytes: 50_000,
          sha256: "ab",
          download_url: "/api/v1/extension/pixsim7-extension.zip",
        },
      }),
    });
    renderPage(<ExtensionCard />);
    const link = await screen.findByRole("link", { name: "Download the extension" });
    expect(link).toHaveAttribute("href", "/api/v1/extension/pixsim7-extension.zip");
    expect(screen.getAllByRole("listitem")).toHaveLength(3);
    expect(screen.getByText("chrome://extensions")).toBeVisible();
  });

  it("says when the server has no build", async () => {
    stubFetch({
      "GET /api/v1/extension": () => ({
        body: { available: false, version: null, size_bytes: null, sha256: null, download_url: "/x" },
      }),
    });
    renderPage(<ExtensionCard />);
    expect(await screen.findByText(/not built on this server/)).toBeVisible();
    expect(screen.queryByRole("link")).toBeNull();
  });
});
