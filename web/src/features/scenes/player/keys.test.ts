import { keyAction } from "src/features/scenes/player/keys";

const press = (key: string, extra: Partial<KeyboardEventInit> = {}, target: EventTarget | null = document.body) => ({
  key,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  ...extra,
  target,
});

test("number keys pick options, letters the controls", () => {
  expect(keyAction(press("1"), false)).toStrictEqual({ kind: "option", index: 0 });
  expect(keyAction(press("9"), false)).toStrictEqual({ kind: "option", index: 8 });
  expect(keyAction(press("B"), false)).toStrictEqual({ kind: "back" });
  expect(keyAction(press("r"), false)).toStrictEqual({ kind: "restart" });
  expect(keyAction(press("f"), false)).toStrictEqual({ kind: "fullscreen" });
  expect(keyAction(press("s"), false)).toStrictEqual({ kind: "save" });
  expect(keyAction(press("m"), false)).toStrictEqual({ kind: "mute" });
  expect(keyAction(press("0"), false)).toBeNull();
  expect(keyAction(press(" "), false)).toBeNull(); // Space belongs to the reflex game
});

test("digits belong to a running mini-game; shortcuts and typing are left alone", () => {
  expect(keyAction(press("2"), true)).toBeNull();
  expect(keyAction(press("b"), true)).toStrictEqual({ kind: "back" });
  expect(keyAction(press("r", { ctrlKey: true }), false)).toBeNull();
  expect(keyAction(press("1", {}, document.createElement("input")), false)).toBeNull();
});
