import { useCallback, useContext } from "react";
import { UNSAFE_DataRouterContext, useSearchParams, type NavigateOptions } from "react-router";

type Change = (current: URLSearchParams) => URLSearchParams;

/**
 * The page's search params, and a setter that changes the router's latest location.
 * React Router's own setter builds on the params of the last render, and its renders are
 * transitions: two changes quicker than a render (a filter cleared, then another picked,
 * perhaps by another component of the page) lost the first. The router's state is the
 * one place that already holds the last change; its context is the way to read it.
 */
export function useUrlParams(): [URLSearchParams, (change: Change, options?: NavigateOptions) => void] {
  const [params, setParams] = useSearchParams();
  const router = useContext(UNSAFE_DataRouterContext)?.router;
  const update = useCallback(
    (change: Change, options?: NavigateOptions) => {
      const latest = router ? new URLSearchParams(router.state.location.search) : params;
      setParams(change(latest), options);
    },
    [router, params, setParams],
  );
  return [params, update];
}
