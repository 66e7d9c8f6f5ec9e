import type { Problem } from "src/features/scenes/editor/scene";

interface Props {
  problems: Problem[];
  /** Select (and show) what a problem is about. */
  onShow(problem: Problem): void;
}

/** The server's problems with the scene, errors first; a click selects the culprit. */
export function ProblemList({ problems, onShow }: Props) {
  if (problems.length === 0) return <p className="notice">No problems.</p>;
  const sorted = [...problems].sort((a, b) => Number(a.severity === "warning") - Number(b.severity === "warning"));
  return (
    <ul className="problem-list" aria-label="Problems">
      {sorted.map((p, i) => (
        <li key={i}>
          <button type="button" className={`problem problem-${p.severity}`} onClick={() => onShow(p)}>
            <span className="problem-severity">{p.severity}</span>
            <span>
              {p.message}
              {(p.node || p.edge) && <span className="muted"> · {p.node ? `node ${p.node}` : `edge ${p.edge}`}</span>}
              {p.scene != null && <span className="muted"> · in scene {p.scene}</span>}
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
}
