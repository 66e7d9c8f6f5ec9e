import { useLayoutEffect, useRef } from "react";

/** A ref to the value of the last render, for event handlers. Set before the browser paints
 * that render: set in a passive effect (after the paint), a key pressed in between acted on
 * what the screen no longer showed (the lightbox favourited the asset before the one shown). */
export function useLatest<T>(value: T) {
  const ref = useRef(value);
  useLayoutEffect(() => {
    ref.current = value;
  });
  return ref;
}
