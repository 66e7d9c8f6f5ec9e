import { useEffect, useRef, useState } from "react";

/** Whether the returned ref's element is on screen (for infinite scroll). */
export function useInView<T extends Element>(margin = "400px") {
  const ref = useRef<T>(null);
  const [inView, setInView] = useState(false);
  useEffect(() => {
    const node = ref.current;
    if (!node || typeof IntersectionObserver === "undefined") return;
    const observer = new IntersectionObserver(([entry]) => setInView(Boolean(entry?.isIntersecting)), {
      rootMargin: margin,
    });
    observer.observe(node);
    return () => observer.disconnect();
  }, [margin]);
  return [ref, inView] as const;
}
