/** Job priorities in words: higher runs first; the presets the queue offers. */

export const PRIORITIES = [
  { label: "Urgent", value: 100 },
  { label: "High", value: 10 },
  { label: "Normal", value: 0 },
  { label: "Low", value: -10 },
] as const;

/** The word for any priority: the highest preset it reaches (below Normal: Low). */
export function priorityLabel(priority: number): string {
  if (priority >= 100) return "Urgent";
  if (priority > 0) return "High";
  if (priority === 0) return "Normal";
  return "Low";
}
