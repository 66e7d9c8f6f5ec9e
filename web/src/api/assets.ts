/** Query hooks of the assets router: the gallery, details, lineage, tags, upload. */
import {
  useInfiniteQuery,
  useMutation,
  useQueries,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { client, rawFetch, unwrap, type Schemas } from "src/api/client";
import type { operations } from "src/api/schema";
import { currentBoard } from "src/common/board";

export type Asset = Schemas["AssetRead"];
/** GET /api/v1/assets's filters, as the API names them (paging is the hook's business). */
export type AssetQuery = Omit<
  NonNullable<operations["list_assets_api_v1_assets_get"]["parameters"]["query"]>,
  "cursor" | "limit"
>;

export const assetsKey = ["assets"] as const;
const path = (id: number) => ({ params: { path: { asset_id: id } } });

export function useAssets(filters: AssetQuery = {}, limit = 60) {
  return useInfiniteQuery({
    queryKey: [...assetsKey, "list", filters, limit],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(client.GET("/api/v1/assets", { params: { query: { ...filters, cursor: pageParam, limit } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useAsset(id: number) {
  return useQuery({
    queryKey: [...assetsKey, "detail", id],
    queryFn: () => unwrap(client.GET("/api/v1/assets/{asset_id}", path(id))),
    enabled: id > 0,
  });
}

/** Several assets by id (a draft's inputs): those found, once every answer is in; an id
 * that names nothing the user may see is left out. */
export function useAssetsById(ids: readonly number[]) {
  return useQueries({
    queries: ids.map((id) => ({
      queryKey: [...assetsKey, "detail", id],
      queryFn: () => unwrap(client.GET("/api/v1/assets/{asset_id}", path(id))),
      staleTime: 60_000,
    })),
    combine: (results) => ({
      pending: results.some((r) => r.isPending),
      assets: new Map(results.flatMap((r) => (r.data ? [[r.data.id, r.data as Asset] as const] : []))),
    }),
  });
}

export type Lineage = Schemas["LineageGraph"];

export function useLineage(id: number, depth = 2) {
  return useQuery({
    queryKey: [...assetsKey, "lineage", id, depth],
    queryFn: () =>
      unwrap(
        client.GET("/api/v1/assets/{asset_id}/lineage", {
          params: { path: { asset_id: id }, query: { depth } },
        }),
      ),
    // Another depth keeps the drawn graph on screen until the new one arrives.
    placeholderData: (previous) => previous,
  });
}

export function useUpdateAsset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: Schemas["AssetUpdate"] & { id: number }) =>
      unwrap(client.PATCH("/api/v1/assets/{asset_id}", { ...path(id), body })),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assetsKey }),
  });
}

/** Which assets a batch action is about: ids, or all matching a filter. */
export type AssetSelection = Schemas["AssetSelection"];
export type AssetBatch =
  | { action: "trash"; selection: AssetSelection; force?: boolean }
  | { action: "restore" | "delete"; selection: AssetSelection }
  | { action: "favorite"; selection: AssetSelection; favorite: boolean }
  | { action: "move"; selection: AssetSelection; workspace_id: number | null }
  | { action: "tags"; selection: AssetSelection; add?: string[]; remove?: string[] };

function batch(request: AssetBatch) {
  const { selection } = request;
  switch (request.action) {
    case "trash":
      return client.POST("/api/v1/assets/batch/trash", { body: { ...selection, force: request.force ?? false } });
    case "restore":
      return client.POST("/api/v1/assets/batch/restore", { body: selection });
    case "delete":
      return client.POST("/api/v1/assets/batch/delete", { body: selection });
    case "favorite":
      return client.POST("/api/v1/assets/batch/favorite", { body: { ...selection, favorite: request.favorite } });
    case "move":
      return client.POST("/api/v1/assets/batch/move", { body: { ...selection, workspace_id: request.workspace_id } });
    case "tags":
      return client.POST("/api/v1/assets/batch/tags", { body: { ...selection, add: request.add ?? [], remove: request.remove ?? [] } });
  }
}

/** One request for many assets, all or none; answers the ids changed. */
export function useAssetBatch() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (request: AssetBatch) => (await unwrap(batch(request))).ids,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assetsKey }),
  });
}

export function useEmptyTrash() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async () => (await unwrap(client.POST("/api/v1/assets/trash/empty"))).ids,
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assetsKey }),
  });
}

/** Where the zip of a selection downloads from (a GET the login cookie authenticates, so a
 * plain link streams it to disk). */
export function downloadUrl(selection: AssetSelection): string {
  const params = new URLSearchParams();
  if (selection.ids) for (const id of selection.ids) params.append("ids", String(id));
  else {
    for (const [key, value] of Object.entries(selection.filter ?? {})) {
      if (value !== undefined && value !== null && value !== "" && ["media_type", "provider_id", "workspace_id", "tag", "q", "favorite", "trashed"].includes(key)) {
        params.set(key, String(value));
      }
    }
  }
  return `/api/v1/assets/download?${params}`;
}

/** DELETE: to the trash, or for good when it is there already. */
export function useDeleteAsset() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: number) => unwrap(client.DELETE("/api/v1/assets/{asset_id}", path(id))),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assetsKey }),
  });
}

/** Multipart upload (openapi-fetch does not stream files); the API sniffs the content. */
export function useUpload() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (file: File): Promise<Asset> => {
      const form = new FormData();
      form.append("file", file, file.name);
      // An upload lands in the board worked in.
      const board = currentBoard();
      if (board) form.append("workspace_id", String(board));
      const response = await rawFetch("/api/v1/assets/upload", { method: "POST", body: form });
      return (await response.json()) as Asset;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assetsKey }),
  });
}

/** A frame of a video (its last unless `atSec` says) kept as a picture in the library. */
export async function takeFrame(id: number, atSec?: number): Promise<Asset> {
  return unwrap(client.POST("/api/v1/assets/{asset_id}/frames", { ...path(id), body: atSec === undefined ? {} : { at_sec: atSec } }));
}
