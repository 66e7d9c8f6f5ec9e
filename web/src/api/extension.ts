/** Query hooks of the extension router: the build offered for download. */
import { useQuery } from "@tanstack/react-query";
import { client, unwrap } from "src/api/client";

export function useExtensionBundle() {
  return useQuery({
    queryKey: ["extension", "bundle"],
    queryFn: () => unwrap(client.GET("/api/v1/extension")),
    staleTime: 5 * 60_000,
  });
}
