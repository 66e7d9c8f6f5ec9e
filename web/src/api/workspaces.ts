/** Query hooks of the workspaces router (the gallery filters by workspace). */
import { useQuery } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";

export type Workspace = Schemas["WorkspaceRead"];

export function useWorkspaces() {
  return useQuery({
    queryKey: ["workspaces", "list"],
    queryFn: () => unwrap(client.GET("/api/v1/workspaces", { params: { query: { limit: 200 } } })),
    staleTime: 60_000,
  });
}
