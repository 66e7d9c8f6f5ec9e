import { lightboxAction, neighbours } from "src/features/gallery/lightboxKeys";

const key = (k: string, mods = {}) => ({ key: k, altKey: false, ctrlKey: false, metaKey: false, ...mods });

describe("the lightbox's keys", () => {
  it("maps arrows, space, Escape and F; leaves shortcuts of the browser alone", () => {
    expect(["ArrowLeft", "ArrowRight", " ", "Escape", "f", "x"].map((k) => lightboxAction(key(k)))).toEqual([
      "previous",
      "next",
      "toggle-play",
      "close",
      "favourite",
      null,
    ]);
    expect(lightboxAction(key("ArrowLeft", { altKey: true }))).toBeNull();
    expect(lightboxAction(key("f", { ctrlKey: true }))).toBeNull();
  });

  it("finds the neighbours to preload", () => {
    expect(neighbours([5, 4, 3], 4)).toEqual({ index: 1, previous: 5, next: 3 });
    expect(neighbours([5, 4, 3], 5)).toEqual({ index: 0, previous: undefined, next: 4 });
    expect(neighbours([5, 4, 3], 3)).toEqual({ index: 2, previous: 4, next: undefined });
  });
});
