import { PALETTE, swatch } from "src/features/boards/BoardStrip";

const NAMES = ["Blue", "Green", "Amber", "Red", "Violet", "Cyan", "Grey"];

/** A board's colour, one of the palette (drawn by class: the CSP allows no inline style). */
export function ColourPicker({ label, value, onChange }: { label: string; value: string | null; onChange: (color: string) => void }) {
  return (
    <select aria-label={label} className={`colour-select swatch-${swatch(value)}`} value={value ? PALETTE[swatch(value)] : ""} onChange={(e) => onChange(e.target.value)}>
      {!value && <option value="">No colour</option>}
      {PALETTE.map((color, i) => (
        <option key={color} value={color}>
          {NAMES[i]}
        </option>
      ))}
    </select>
  );
}
