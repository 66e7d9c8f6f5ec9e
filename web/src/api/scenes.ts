/** Query hooks of the scenes router: the scene list, the editor's saves, and the play
 * sessions the player saves to. */
import { type QueryClient, useInfiniteQuery, useQuery } from "@tanstack/react-query";
import { client, rawFetch, unwrap, type Schemas } from "src/api/client";
import { refetchSoon } from "src/api/liveCache";
import type { Bundle, Input, Options, State } from "src/features/scenes/engine/types";

export type SceneSummary = Schemas["SceneSummary"];

/** A play session with the engine's types on its JSON fields. */
export type Play = Omit<Schemas["PlayRead"], "state" | "options"> & { state: State; options: Options };
export type PlayDetail = Play & { bundle: Bundle };

export const scenesKey = ["scenes"] as const;
export const playsKey = ["plays"] as const;
/** Where a play's latest known save (id, version) sits in the cache: play.updated patches it. */
export const playKey = (id: number) => [...playsKey, "detail", id] as const;

export function useScenes(limit = 50, workspaceId: number | null = null) {
  const filters = { workspace_id: workspaceId ?? undefined };
  return useInfiniteQuery({
    queryKey: [...scenesKey, "list", filters, limit],
    initialPageParam: undefined as string | undefined,
    queryFn: ({ pageParam }) =>
      unwrap(client.GET("/api/v1/scenes", { params: { query: { cursor: pageParam, limit, ...filters } } })),
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}

export function useScene(id: number) {
  return useQuery({
    queryKey: sceneKey(id),
    queryFn: () => unwrap(client.GET("/api/v1/scenes/{scene_id}", { params: { path: { scene_id: id } } })),
    enabled: id > 0,
  });
}

// The player's storage seam calls these outside React's render.

/** The scene's saved plays, newest first. */
export async function listPlays(sceneId: number, limit = 10): Promise<Play[]> {
  const call = client.GET("/api/v1/plays", { params: { query: { scene_id: sceneId, limit } } });
  return (await unwrap(call)).items as unknown as Play[];
}

export async function createPlay(sceneId: number, label?: string): Promise<PlayDetail> {
  const call = client.POST("/api/v1/scenes/{scene_id}/plays", {
    params: { path: { scene_id: sceneId } },
    body: { label: label ?? null },
  });
  return (await unwrap(call)) as unknown as PlayDetail;
}

export async function getPlay(playId: number): Promise<PlayDetail> {
  const call = client.GET("/api/v1/plays/{play_id}", { params: { path: { play_id: playId } } });
  return (await unwrap(call)) as unknown as PlayDetail;
}

/** Send inputs the player already applied locally; the server replays them (all or none). */
export async function advancePlay(playId: number, inputs: Input[], version: number): Promise<Play> {
  const call = client.PATCH("/api/v1/plays/{play_id}", {
    params: { path: { play_id: playId } },
    body: { inputs: inputs as unknown as Record<string, unknown>[], version },
  });
  return (await unwrap(call)) as unknown as Play;
}

/**
 * The same save, in a request the browser completes after the page is gone (`keepalive`:
 * for pagehide). `fetch` is called before this returns, as a page being closed requires.
 */
export async function advancePlayOnLeave(playId: number, inputs: Input[], version: number): Promise<Play> {
  const response = await rawFetch(`/api/v1/plays/${playId}`, {
    method: "PATCH",
    keepalive: true,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ inputs, version }),
  });
  return (await response.json()) as Play;
}

// ------------------------------------------------------------------ the editor's calls

export type SceneRead = Schemas["SceneRead"];
export type SceneUpdate = Schemas["SceneUpdate"];
export type Revision = Schemas["RevisionRead"];

export const sceneKey = (id: number) => [...scenesKey, "detail", id] as const;
const scenePath = (id: number) => ({ params: { path: { scene_id: id } } });

export async function getScene(id: number): Promise<SceneRead> {
  return unwrap(client.GET("/api/v1/scenes/{scene_id}", scenePath(id)));
}

/** Saves fields of the scene made on `body.version` (409 when another save came first). */
export async function saveScene(id: number, body: SceneUpdate): Promise<SceneRead> {
  return unwrap(client.PATCH("/api/v1/scenes/{scene_id}", { ...scenePath(id), body }));
}

/** The scene's bundle as it is saved now, errors or not (the editor's preview). */
export async function previewBundle(id: number): Promise<Bundle> {
  const bundle = await unwrap(client.GET("/api/v1/scenes/{scene_id}/bundle", scenePath(id)));
  return bundle as unknown as Bundle;
}

/** The scene's kept revisions; `version` (the scene's current one) refetches them after a save. */
export function useRevisions(id: number, version: number) {
  return useQuery({
    queryKey: [...scenesKey, "revisions", id, version],
    queryFn: async () => (await unwrap(client.GET("/api/v1/scenes/{scene_id}/revisions", scenePath(id)))).items,
    placeholderData: (previous) => previous,
  });
}

export async function restoreRevision(id: number, version: number, current: number): Promise<SceneRead> {
  const call = client.POST("/api/v1/scenes/{scene_id}/revisions/{version}/restore", {
    params: { path: { scene_id: id, version } },
    body: { version: current },
  });
  return unwrap(call);
}

export async function publishScene(id: number): Promise<SceneRead> {
  return unwrap(client.POST("/api/v1/scenes/{scene_id}/publish", scenePath(id)));
}

export async function createScene(body: Schemas["SceneCreate"]): Promise<SceneRead> {
  return unwrap(client.POST("/api/v1/scenes", { body }));
}

export async function deleteScene(id: number, force = false): Promise<void> {
  await unwrap(client.DELETE("/api/v1/scenes/{scene_id}", { params: { path: { scene_id: id }, query: { force } } }));
}

export async function exportJson(id: number): Promise<Bundle> {
  return (await unwrap(client.GET("/api/v1/scenes/{scene_id}/export.json", scenePath(id)))) as unknown as Bundle;
}

export async function importScene(bundle: unknown, workspaceId: number | null = null): Promise<SceneRead> {
  const call = client.POST("/api/v1/scenes/import", {
    body: { bundle: bundle as Schemas["SceneImport"]["bundle"], workspace_id: workspaceId },
  });
  return (await unwrap(call)).scene;
}

/**
 * scene.updated: the list is refetched; a scene open in the editor whose cached copy is
 * older than the event's version is fetched again (the editor merges it with its edits).
 */
export function sceneUpdated(queryClient: QueryClient, data: Record<string, unknown>) {
  const { id, version } = data;
  refetchSoon(queryClient, [...scenesKey, "list"]);
  if (typeof id !== "number" || typeof version !== "number") return;
  const cached = queryClient.getQueryData<SceneRead>(sceneKey(id));
  if (cached && cached.version < version) void queryClient.invalidateQueries({ queryKey: sceneKey(id), exact: true });
}

// ------------------------------------------------------------------ generation into nodes

export type Fill = Schemas["FillRead"];
export type FillCreate = Schemas["FillCreate"];
export const fillsKey = (sceneId: number) => [...scenesKey, "fills", sceneId] as const;

/** The scene's generations into nodes (waiting ones, and why recent ones failed). */
export function useFills(sceneId: number) {
  return useQuery({
    queryKey: fillsKey(sceneId),
    queryFn: async () =>
      (await unwrap(client.GET("/api/v1/scenes/{scene_id}/fills", scenePath(sceneId)))).items,
  });
}

/** Queue jobs whose clips go into nodes: all or none. */
export async function createFills(sceneId: number, fills: FillCreate[]): Promise<Fill[]> {
  const call = client.POST("/api/v1/scenes/{scene_id}/fills", { ...scenePath(sceneId), body: { fills } });
  return (await unwrap(call)).items;
}

/** scene_fill.updated: a generation into a node settled (attached, failed, node gone). */
export function fillUpdated(queryClient: QueryClient, data: Record<string, unknown>) {
  if (typeof data.scene_id === "number") refetchSoon(queryClient, fillsKey(data.scene_id));
}

/** A copy of the scene as a new draft ("Copy of …"), in the same workspace. */
export async function duplicateScene(id: number): Promise<SceneRead> {
  const scene = await getScene(id);
  return createScene({
    title: `Copy of ${scene.title}`.slice(0, 200),
    description: scene.description,
    workspace_id: scene.workspace_id,
    start: scene.start,
    flags: scene.flags as Schemas["SceneCreate"]["flags"],
    nodes: scene.nodes,
    edges: scene.edges,
  });
}
