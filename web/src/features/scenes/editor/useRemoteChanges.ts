/**
 * Saves made elsewhere (another tab or device, a generated clip attached to a node): the
 * scene's cached copy is fetched again when an event says it moved on (api/scenes.ts). Not
 * edited here since the last save: the editor takes it. Edited here: the two are merged
 * (merge.ts) and the merge is saved on top; where both changed the same thing, and after a
 * 409, the user chooses to reload theirs or overwrite with this editor's document.
 */
import { useQueryClient } from "@tanstack/react-query";
import { type Dispatch, useCallback, useEffect, useState } from "react";
import { getScene, sceneKey } from "src/api/scenes";
import type { Autosaver } from "src/features/scenes/editor/autosave";
import type { SceneDoc } from "src/features/scenes/editor/doc";
import type { Action } from "src/features/scenes/editor/editorState";
import { merge } from "src/features/scenes/editor/merge";
import { docOf, type SceneRead } from "src/features/scenes/editor/scene";
import { useLatest } from "src/common/useLatest";

interface Args {
  sceneId: number;
  saver: Autosaver;
  doc: SceneDoc;
  title: string;
  dispatch: Dispatch<Action>;
  setTitle(title: string): void;
}

export function useRemoteChanges({ sceneId, saver, doc, title, dispatch, setTitle }: Args) {
  const queryClient = useQueryClient();
  const [conflicts, setConflicts] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const local = useLatest({ doc, title });

  const take = useCallback(
    (scene: SceneRead) => {
      const theirs = { doc: docOf(scene), title: scene.title };
      saver.adopt(theirs, scene.version, scene.problems);
      dispatch({ type: "replace", doc: theirs.doc });
      setTitle(theirs.title);
      setConflicts([]);
    },
    [saver, dispatch, setTitle],
  );

  // Looked at whenever the cached copy changes (a refetch after an event) and whenever a
  // save ends (one under way may be what made the newer version).
  useEffect(() => {
    const key = sceneKey(sceneId);
    const check = () => {
      const scene = queryClient.getQueryData<SceneRead>(key);
      const state = saver.state;
      if (!scene || scene.version <= state.version || saver.busy || state.status === "conflict") return;
      if (!saver.dirty) {
        take(scene);
        return;
      }
      const base = saver.saved;
      const theirs = docOf(scene);
      const merged = merge(base.doc, local.current.doc, theirs);
      if (!merged.doc) {
        setConflicts(merged.conflicts);
        saver.conflict("the same parts were changed here and elsewhere");
        return;
      }
      // Theirs is what the server has now; the merge is this editor's change on top of it.
      saver.adopt({ doc: theirs, title: scene.title }, scene.version, scene.problems);
      if (local.current.title === base.title) setTitle(scene.title);
      dispatch({ type: "replace", doc: merged.doc });
    };
    const stopCache = queryClient.getQueryCache().subscribe((event) => {
      if (event.type === "updated" && JSON.stringify(event.query.queryKey) === JSON.stringify(key)) check();
    });
    const stopSaver = saver.subscribe(check);
    return () => {
      stopCache();
      stopSaver();
    };
  }, [sceneId, queryClient, saver, take, dispatch, setTitle, local]);

  const reload = useCallback(async () => {
    setBusy(true);
    try {
      const scene = await getScene(sceneId);
      queryClient.setQueryData(sceneKey(sceneId), scene);
      take(scene);
    } finally {
      setBusy(false);
    }
  }, [sceneId, queryClient, take]);

  const overwrite = useCallback(async () => {
    setBusy(true);
    try {
      const scene = await getScene(sceneId);
      queryClient.setQueryData(sceneKey(sceneId), scene);
      setConflicts([]);
      await saver.overwrite(scene.version);
    } finally {
      setBusy(false);
    }
  }, [sceneId, queryClient, saver]);

  return { conflicts, busy, reload, overwrite, take };
}
