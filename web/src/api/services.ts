/** Query hooks of the services view: workers, database, Redis, providers reachable. */
import { useQuery } from "@tanstack/react-query";
import { client, unwrap } from "src/api/client";

export function useServices() {
  return useQuery({
    queryKey: ["services"],
    queryFn: () => unwrap(client.GET("/api/v1/services")),
    refetchInterval: 10_000,
  });
}
