import { cookieJar, looksSignedIn, tokenFrom } from "src/background/cookies";
import { SITES, siteForHost, siteForUrl, siteOf } from "src/common/sites";
import manifest from "../../public/manifest.json";

const cookie = (name: string, value: string, domain: string, path = "/", expirationDate?: number) => ({
  name,
  value,
  domain,
  path,
  expirationDate,
});

describe("cookieJar", () => {
  it("folds cookies into one value per name", () => {
    expect(cookieJar([cookie("_ai_token", "t", ".pixverse.ai"), cookie("lang", "en", "app.pixverse.ai")])).toEqual({
      _ai_token: "t",
      lang: "en",
    });
  });

  it("prefers the most specific domain, then the root path, then the latest expiry", () => {
    const jar = cookieJar([
      cookie("a", "parent", ".pixverse.ai"),
      cookie("a", "host", "app.pixverse.ai"),
      cookie("b", "deep", ".pixverse.ai", "/x"),
      cookie("b", "root", ".pixverse.ai", "/"),
      cookie("c", "old", ".pixverse.ai", "/", 100),
      cookie("c", "new", ".pixverse.ai", "/", 200),
    ]);
    expect(jar).toEqual({ a: "host", b: "root", c: "new" });
  });
});

describe("tokenFrom", () => {
  it("reads Pixverse's token header and bearer authorizations", () => {
    expect(tokenFrom([{ name: "Token", value: " jwt.abc " }], "token")).toBe("jwt.abc");
    expect(tokenFrom([{ name: "Authorization", value: "Bearer eyJ.x" }], "authorization")).toBe("eyJ.x");
  });

  it("finds nothing in other schemes or absent headers", () => {
    expect(tokenFrom([{ name: "Authorization", value: "Basic dXNlcg==" }], "authorization")).toBeNull();
    expect(tokenFrom([{ name: "Authorization", value: "Bearer" }], "authorization")).toBeNull();
    expect(tokenFrom([{ name: "cookie", value: "a=b" }], "token")).toBeNull();
    expect(tokenFrom(undefined, "token")).toBeNull();
  });
});

describe("sites", () => {
  it("maps hosts and cookie domains to the provider whose session they hold", () => {
    expect(siteForHost(".pixverse.ai")?.providerId).toBe("pixverse");
    expect(siteForHost("app-api.pixverse.ai")?.providerId).toBe("pixverse");
    expect(siteForHost("sora.chatgpt.com")?.providerId).toBe("sora");
    expect(siteForHost("notpixverse.ai")).toBeUndefined();
    expect(siteForHost("pixverse.ai.evil.test")).toBeUndefined();
    expect(siteForUrl("https://app.runwayml.com/video")?.providerId).toBe("runway");
    expect(siteForUrl("http://app.pixverse.ai/")).toBeUndefined(); // never over plain HTTP
    expect(siteForUrl("not a url")).toBeUndefined();
  });

  it("says signed in by a login cookie or a token seen", () => {
    const pixverse = siteOf("pixverse")!;
    expect(looksSignedIn(pixverse, { _ai_token: "t" }, undefined)).toBe(true);
    expect(looksSignedIn(pixverse, { lang: "en" }, undefined)).toBe(false);
    expect(looksSignedIn(siteOf("runway")!, {}, "bearer")).toBe(true);
  });

  it("has host access declared for every site and its API", () => {
    for (const site of SITES) {
      for (const url of [site.url, ...site.apiPatterns.map((p) => p.replace("*", "x"))]) {
        const host = new URL(url).hostname;
        expect(manifest.host_permissions.some((p: string) => host.endsWith(new URL(p.replace("*.", "")).hostname))).toBe(true);
      }
    }
    expect("content_scripts" in manifest).toBe(false); // none declared: the dialog is injected on demand
  });
});
