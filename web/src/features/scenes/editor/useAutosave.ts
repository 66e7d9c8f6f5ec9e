import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState, useSyncExternalStore } from "react";
import { saveScene, sceneKey } from "src/api/scenes";
import { Autosaver, type Draft } from "src/features/scenes/editor/autosave";
import { type SceneRead, updateOf } from "src/features/scenes/editor/scene";

/**
 * Saves the editor's draft a short while after each change (autosave.ts), keeps the scene's
 * cached copy at what was saved, and warns before leaving with changes not saved yet.
 */
export function useAutosave(scene: SceneRead, saved: Draft, draft: Draft) {
  const queryClient = useQueryClient();
  const [saver] = useState(
    () =>
      new Autosaver(
        (d, version) => saveScene(scene.id, { ...updateOf(d.doc, version), title: d.title }),
        saved,
        scene.version,
        scene.problems,
        undefined,
        (answer) => queryClient.setQueryData(sceneKey(scene.id), answer),
      ),
  );
  useEffect(() => saver.update(draft), [saver, draft]);
  useEffect(() => () => saver.dispose(), [saver]);
  useEffect(() => {
    const warn = (event: BeforeUnloadEvent) => {
      if (!saver.dirty) return;
      void saver.flush();
      event.preventDefault();
    };
    addEventListener("beforeunload", warn);
    return () => removeEventListener("beforeunload", warn);
  }, [saver]);
  const state = useSyncExternalStore(saver.subscribe, saver.getState);
  return { saver, state };
}
