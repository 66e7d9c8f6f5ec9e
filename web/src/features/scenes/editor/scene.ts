/**
 * Between the API's scene (GET/PATCH /api/v1/scenes/{id}) and the editor's document: what is
 * read is normalized (every field present, so the engine can play it as it is), what is
 * saved is the whole graph with the version it was made on.
 */
import type { Schemas } from "src/api/client";
import { newNode, type SceneDoc } from "src/features/scenes/editor/doc";
import type { Edge, Flags, Media, SceneNode } from "src/features/scenes/engine/types";

export type SceneRead = Schemas["SceneRead"];
export type Problem = Schemas["ProblemRead"];

type Loose = Record<string, unknown>;

function normalNode(raw: Loose): SceneNode {
  const type = raw.type as SceneNode["type"];
  const defaults = newNode(type, String(raw.id), null) as unknown as Loose;
  const node = { ...defaults } as Loose;
  for (const key of Object.keys(defaults)) if (raw[key] !== undefined) node[key] = raw[key];
  if (type === "video") node.media = (node.media as Loose[]).map(normalMedia);
  return node as unknown as SceneNode;
}

function normalMedia(raw: Loose): Media {
  return {
    asset_id: (raw.asset_id as number | null | undefined) ?? null,
    missing: Boolean(raw.missing),
    start: (raw.start as number | null | undefined) ?? null,
    end: (raw.end as number | null | undefined) ?? null,
    tags: (raw.tags as string[] | undefined) ?? [],
  };
}

function normalEdge(raw: Loose): Edge {
  return {
    id: String(raw.id),
    from: String(raw.from),
    to: String(raw.to),
    port: (raw.port as string | null | undefined) ?? null,
    label: (raw.label as string | null | undefined) ?? null,
    conditions: (raw.conditions as Edge["conditions"] | undefined) ?? [],
    effects: ((raw.effects as Edge["effects"] | undefined) ?? []).map((e) => ({ ...e, value: e.value ?? null })),
    is_default: Boolean(raw.is_default),
  };
}

/** The document of a scene as the API answers it. */
export function docOf(scene: Pick<SceneRead, "start" | "flags" | "nodes" | "edges"> & { layout?: SceneRead["layout"] }): SceneDoc {
  return {
    start: scene.start,
    flags: scene.flags as Flags,
    nodes: (scene.nodes as unknown as Loose[]).map(normalNode),
    edges: (scene.edges as unknown as Loose[]).map(normalEdge),
    frames: (scene.layout?.frames ?? []).map((f) => ({ ...f, label: f.label ?? "" })),
  };
}

/** The body of PATCH /scenes/{id} that saves the document. */
export function updateOf(doc: SceneDoc, version: number) {
  return {
    version,
    start: doc.start,
    flags: doc.flags,
    nodes: doc.nodes as unknown as Schemas["SceneUpdate"]["nodes"],
    edges: doc.edges as unknown as Schemas["SceneUpdate"]["edges"],
    layout: { frames: doc.frames },
  };
}

export function hasPositions(doc: SceneDoc): boolean {
  return doc.nodes.every((n) => n.position !== null);
}
