/** Query hooks of the system router: health. */
import { useQuery } from "@tanstack/react-query";
import { client, type Schemas } from "src/api/client";

export function useHealth() {
  return useQuery({
    queryKey: ["system", "health"],
    // A degraded system answers 503 with the same body: show it, do not treat it as an error.
    queryFn: async () => {
      const { data, error } = await client.GET("/api/v1/health");
      return (data ?? error) as Schemas["Health"];
    },
    refetchInterval: 30_000,
  });
}
