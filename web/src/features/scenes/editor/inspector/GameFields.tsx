import { NumberField, SelectField, TextField } from "src/features/scenes/editor/inspector/inputs";
import type { GameSpec, MemoryConfig, ReflexConfig } from "src/features/scenes/engine/types";

export const DEFAULT_GAMES: { reflex: GameSpec; memory: GameSpec } = {
  reflex: { game: "reflex", config: { rounds: 3, min_delay_ms: 500, max_delay_ms: 2000, window_ms: 600, success_ratio: 0.5 } },
  memory: { game: "memory", config: { length: 4, symbols: ["red", "green", "blue", "yellow"], show_ms: 800 } },
};

const GAMES = [
  ["reflex", "Reflex: hit when the cue shows"],
  ["memory", "Memory: repeat a sequence"],
] as const;

/** A mini-game's kind and config (a mini-game node, or a progression step's gate). */
export function GameFields({ spec, onChange, keyPrefix }: { spec: GameSpec; onChange(spec: GameSpec, key?: string): void; keyPrefix: string }) {
  return (
    <>
      <SelectField label="Game" value={spec.game} options={GAMES} onChange={(game) => onChange(DEFAULT_GAMES[game])} />
      {spec.game === "reflex" ? (
        <ReflexFields config={spec.config} onChange={(config, key) => onChange({ game: "reflex", config }, `${keyPrefix}:${key}`)} />
      ) : (
        <MemoryFields config={spec.config} onChange={(config, key) => onChange({ game: "memory", config }, `${keyPrefix}:${key}`)} />
      )}
    </>
  );
}

function ReflexFields({ config, onChange }: { config: ReflexConfig; onChange(c: ReflexConfig, key: string): void }) {
  const set = (key: keyof ReflexConfig) => (v: number | null) => v !== null && onChange({ ...config, [key]: v }, key);
  return (
    <div className="inspector-grid">
      <NumberField label="Rounds" value={config.rounds} min={1} max={20} integer onChange={set("rounds")} />
      <NumberField label="Hit window (ms)" value={config.window_ms} min={50} max={5000} integer onChange={set("window_ms")} />
      <NumberField label="Shortest delay (ms)" value={config.min_delay_ms} min={0} max={10000} integer onChange={set("min_delay_ms")} />
      <NumberField label="Longest delay (ms)" value={config.max_delay_ms} min={config.min_delay_ms} max={10000} integer onChange={set("max_delay_ms")} />
      <NumberField label="Success ratio (0–1)" value={config.success_ratio} min={0} max={1} step={0.05} onChange={set("success_ratio")} />
    </div>
  );
}

function MemoryFields({ config, onChange }: { config: MemoryConfig; onChange(c: MemoryConfig, key: string): void }) {
  return (
    <div className="inspector-grid">
      <NumberField label="Sequence length" value={config.length} min={1} max={20} integer onChange={(v) => v !== null && onChange({ ...config, length: v }, "length")} />
      <NumberField label="Each symbol shown (ms)" value={config.show_ms} min={100} max={5000} integer onChange={(v) => v !== null && onChange({ ...config, show_ms: v }, "show_ms")} />
      <TextField
        label="Symbols (2–8, comma separated)"
        value={config.symbols.join(", ")}
        onChange={(text) => {
          const symbols = (text ?? "").split(",").map((s) => s.trim().slice(0, 32)).filter(Boolean).slice(0, 8);
          if (symbols.length >= 2) onChange({ ...config, symbols }, "symbols");
        }}
      />
    </div>
  );
}
