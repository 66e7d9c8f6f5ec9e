/** Query hooks of the assets router: the gallery, details, lineage, tags, upload. */
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { client, rawFetch, unwrap, type Schemas } from "src/api/client";
import type { operations } from "src/api/schema";

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
      const response = await rawFetch("/api/v1/assets/upload", { method: "POST", body: form });
      return (await response.json()) as Asset;
    },
    onSuccess: () => queryClient.invalidateQueries({ queryKey: assetsKey }),
  });
}
