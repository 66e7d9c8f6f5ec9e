import { formatBytes, formatCredits, formatRelative, plural, totalLabel } from "src/common/format";

describe("format", () => {
  it("formats bytes with binary units", () => {
    expect(formatBytes(512)).toBe("512 B");
    expect(formatBytes(1536)).toBe("1.5 KB");
    expect(formatBytes(5 * 1024 ** 3)).toBe("5.0 GB");
  });

  it("formats relative times both ways", () => {
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(formatRelative("2026-01-01T11:57:00Z", now)).toBe("3 min ago");
    expect(formatRelative("2026-01-01T14:00:00Z", now)).toBe("in 2 h");
    expect(formatRelative(null, now)).toBe("—");
  });

  it("keeps whole credits whole", () => {
    expect(formatCredits(40)).toBe("40");
    expect(formatCredits(2.5)).toBe("2.50");
  });
});

describe("plural", () => {
  it("says one thing in the singular", () => {
    expect(plural(1, "asset")).toBe("1 asset");
    expect(plural(0, "asset")).toBe("0 assets");
    expect(plural(1000, "asset")).toBe("1000 assets");
  });

  it("says a capped total is a lower bound", () => {
    expect(totalLabel(1, true, "asset")).toBe("1 asset");
    expect(totalLabel(10000, true, "asset")).toBe("10000 assets");
    expect(totalLabel(10000, false, "asset")).toBe("10,000+ assets");
  });
});
