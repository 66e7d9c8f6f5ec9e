import { useWorkspaces } from "src/api/workspaces";

/** The bulk bars' "Move to…" pick: a board, or none (null). */
export function MoveToBoard({ disabled, onMove }: { disabled: boolean; onMove: (workspaceId: number | null) => void }) {
  const workspaces = useWorkspaces();
  return (
    <select
      aria-label="Move to board"
      value=""
      disabled={disabled}
      onChange={(e) => {
        if (e.target.value !== "") onMove(e.target.value === "none" ? null : Number(e.target.value));
      }}
    >
      <option value="">Move to…</option>
      <option value="none">No board</option>
      {workspaces.data?.items.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </select>
  );
}
