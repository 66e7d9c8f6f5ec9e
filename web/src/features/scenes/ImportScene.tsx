import { useQueryClient } from "@tanstack/react-query";
import { useRef, useState } from "react";
import { useNavigate } from "react-router";
import { ApiError } from "src/api/client";
import { importScene, scenesKey } from "src/api/scenes";

/** A bundle (export.json) read from a file and imported as new scenes, then opened. */
export function ImportScene({ workspaceId }: { workspaceId: number | null }) {
  const input = useRef<HTMLInputElement>(null);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function read(file: File) {
    setBusy(true);
    setError(null);
    try {
      let bundle: unknown;
      try {
        bundle = JSON.parse(await file.text());
      } catch {
        throw new Error(`${file.name} is not JSON.`);
      }
      const scene = await importScene(bundle, workspaceId);
      void queryClient.invalidateQueries({ queryKey: scenesKey });
      void navigate(`/scenes/${scene.id}/edit`);
    } catch (failure) {
      const fields = failure instanceof ApiError ? Object.entries(failure.fields).slice(0, 3) : [];
      const detail = fields.map(([k, v]) => `${k}: ${v}`).join("; ");
      setError(`Not imported: ${failure instanceof Error ? failure.message : String(failure)}${detail ? ` (${detail})` : ""}`);
    } finally {
      setBusy(false);
      if (input.current) input.current.value = "";
    }
  }

  return (
    <>
      <label className="button-like">
        {busy ? "Importing…" : "Import JSON"}
        <input
          ref={input}
          type="file"
          accept="application/json,.json"
          hidden
          aria-label="Import a scene from JSON"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void read(file);
          }}
        />
      </label>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}
