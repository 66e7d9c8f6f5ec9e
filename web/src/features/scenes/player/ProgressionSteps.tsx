import type { Step } from "src/features/scenes/engine/types";

/** A progression video's labelled steps, the current one marked. */
export function ProgressionSteps({ steps, current }: { steps: Step[]; current: number }) {
  return (
    <ol className="scene-steps" aria-label="Steps">
      {steps.map((step, i) => (
        <li
          key={i}
          className={i === current ? "current" : i < current ? "done" : undefined}
          aria-current={i === current ? "step" : undefined}
        >
          {step.label}
        </li>
      ))}
    </ol>
  );
}
