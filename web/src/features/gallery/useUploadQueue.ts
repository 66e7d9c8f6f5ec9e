import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { assetsKey } from "src/api/assets";
import { uploadFile } from "src/api/upload";

export type UploadState =
  | { status: "waiting" }
  | { status: "sending"; share: number }
  | { status: "done"; assetId: number }
  | { status: "refused"; message: string }
  | { status: "cancelled" };

export interface QueuedFile {
  key: number;
  name: string;
  size: number;
  state: UploadState;
}

const describe = (error: unknown): string => {
  if (error && typeof error === "object" && "fields" in error) {
    const fields = Object.values((error as { fields: Record<string, string> }).fields);
    if (fields.length) return fields.join("; ");
  }
  return error instanceof Error ? error.message : String(error);
};

/** Files sent one after another, each with its progress, a cancel, and its own outcome: a
 * refused file says why and does not stop the others. */
export function useUploadQueue() {
  const queryClient = useQueryClient();
  const [files, setFiles] = useState<QueuedFile[]>([]);
  const controllers = useRef(new Map<number, AbortController>());
  const nextKey = useRef(1);
  const running = useRef(Promise.resolve());

  const set = (key: number, state: UploadState) =>
    setFiles((all) => all.map((f) => (f.key === key ? { ...f, state } : f)));

  const send = async (key: number, file: File) => {
    const controller = controllers.current.get(key);
    if (!controller || controller.signal.aborted) return;
    set(key, { status: "sending", share: 0 });
    try {
      const asset = await uploadFile(file, { signal: controller.signal, onProgress: (share) => set(key, { status: "sending", share }) });
      set(key, { status: "done", assetId: asset.id });
      void queryClient.invalidateQueries({ queryKey: assetsKey });
    } catch (error) {
      set(key, error instanceof DOMException && error.name === "AbortError" ? { status: "cancelled" } : { status: "refused", message: describe(error) });
    } finally {
      controllers.current.delete(key);
    }
  };

  const add = (list: File[]) => {
    const queued = list.map((file) => ({ key: nextKey.current++, file }));
    for (const { key } of queued) controllers.current.set(key, new AbortController());
    setFiles((all) => [...all, ...queued.map(({ key, file }) => ({ key, name: file.name, size: file.size, state: { status: "waiting" } as UploadState }))]);
    for (const { key, file } of queued) running.current = running.current.then(() => send(key, file));
  };

  const cancel = (key: number) => {
    const controller = controllers.current.get(key);
    if (controller) {
      controller.abort();
      set(key, { status: "cancelled" });
    }
  };

  const clearFinished = () => setFiles((all) => all.filter((f) => f.state.status === "waiting" || f.state.status === "sending"));

  return { files, add, cancel, clearFinished };
}
