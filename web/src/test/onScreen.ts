import { type QueryClient, QueryObserver, type QueryKey } from "@tanstack/react-query";

/** A query on screen whose answer is what `truth` says now; counts its fetches. */
export function onScreen<T>(queryClient: QueryClient, queryKey: QueryKey, truth: () => T) {
  const fetched = { count: 0 };
  const observer = new QueryObserver(queryClient, {
    queryKey,
    queryFn: () => {
      fetched.count += 1;
      return truth();
    },
    staleTime: Infinity,
  });
  observer.subscribe(() => {});
  return { fetched, data: () => queryClient.getQueryData<T>(queryKey) };
}
