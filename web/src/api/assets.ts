/** Query hooks of the assets router: the gallery, details, lineage, tags, upload. */
import {
  useInfiniteQuery,
  useMutation,
  useQuery,
  useQueryClient,
} from "@tanstack/react-query";
import { client, rawFetch, unwrap, type Schemas } from "src/api/client";

export type Asset = Schemas["AssetRead"];
export type AssetQuery = { media_type?: "image" | "video" | "audio"; provider_id?: string; tag?: string; q?: string };

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

export function useLineage(id: number) {
  return useQuery({
    queryKey: [...assetsKey, "lineage", id],
    queryFn: () =>
      unwrap(
        client.GET("/api/v1/assets/{asset_id}/lineage", {
          params: { path: { asset_id: id }, query: { depth: 3 } },
        }),
      ),
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
