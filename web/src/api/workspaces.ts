/** Query hooks of the workspaces router: boards (the switcher, the gallery's moves). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { client, unwrap, type Schemas } from "src/api/client";

export type Workspace = Schemas["WorkspaceRead"];
export const workspacesKey = ["workspaces"] as const;

/** The user's boards; archived ones too when asked. */
export function useWorkspaces(includeArchived = false) {
  return useQuery({
    queryKey: [...workspacesKey, "list", includeArchived],
    queryFn: () =>
      unwrap(client.GET("/api/v1/workspaces", { params: { query: { limit: 200, include_archived: includeArchived } } })),
    staleTime: 60_000,
  });
}

/** One board (`id` null: none asked for); a 404 says it is gone for this user. */
export function useWorkspace(id: number | null) {
  return useQuery({
    queryKey: [...workspacesKey, "detail", id],
    queryFn: () => unwrap(client.GET("/api/v1/workspaces/{workspace_id}", { params: { path: { workspace_id: id! } } })),
    enabled: id !== null,
  });
}

function useWorkspaceMutation<T, R>(call: (arg: T) => Promise<R>) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: call,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: workspacesKey }),
  });
}

export const useCreateWorkspace = () =>
  useWorkspaceMutation((body: Schemas["WorkspaceCreate"]) => unwrap(client.POST("/api/v1/workspaces", { body })));

export const useUpdateWorkspace = () =>
  useWorkspaceMutation(({ id, ...body }: Schemas["WorkspaceUpdate"] & { id: number }) =>
    unwrap(client.PATCH("/api/v1/workspaces/{workspace_id}", { params: { path: { workspace_id: id } }, body })),
  );

export const useDeleteWorkspace = () =>
  useWorkspaceMutation((id: number) =>
    unwrap(client.DELETE("/api/v1/workspaces/{workspace_id}", { params: { path: { workspace_id: id } } })),
  );
