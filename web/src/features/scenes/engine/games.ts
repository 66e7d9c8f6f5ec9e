/**
 * Mini-games as the engine sees them: a plan drawn from the PRNG, a result checked and
 * scored (docs/scenes.md §1, `mini_game`), the twin of src/pixsim7/scenes/games.py.
 * The player runs the game itself; the engine decides what the game is and whether it won.
 */
import { isInt } from "src/features/scenes/engine/flags";
import type { Draws } from "src/features/scenes/engine/prng";
import type { GamePlan, GameSpec, GameState } from "src/features/scenes/engine/types";

const MAX_REACTION_MS = 600_000;

/** A result that does not fit its game. */
export class BadResult extends Error {}

export function plan(spec: GameSpec, draws: Draws): GamePlan {
  if (spec.game === "reflex") {
    const { min_delay_ms: low, max_delay_ms: high, rounds } = spec.config;
    return { delays_ms: Array.from({ length: rounds }, () => low + draws.below(high - low + 1)) };
  }
  if (spec.game === "memory") {
    const count = spec.config.symbols.length;
    return { sequence: Array.from({ length: spec.config.length }, () => draws.below(count)) };
  }
  throw new Error(`unknown mini-game ${String((spec as { game: unknown }).game)}`);
}

/** [score, success] of a result for the running game; BadResult if it does not fit. */
export function score(game: GameState, result: unknown): [number, boolean] {
  if (game.game === "reflex") {
    const { rounds, window_ms } = game.config;
    const times = only(result, "reaction_ms");
    const fits = (t: unknown) => t === null || (isInt(t) && t >= 0 && t <= MAX_REACTION_MS);
    if (times.length !== rounds || !times.every(fits)) {
      throw new BadResult(`reaction_ms must hold ${rounds} times in ms or nulls`);
    }
    const hits = times.filter((t) => t !== null && (t as number) <= window_ms).length;
    return [hits, hits >= rounds * game.config.success_ratio];
  }
  const entered = only(result, "entered");
  const count = game.config.symbols.length;
  const sequence = (game.plan as { sequence: number[] }).sequence;
  if (entered.length > sequence.length || !entered.every((i) => isInt(i) && i >= 0 && i < count)) {
    throw new BadResult(`entered must hold at most ${sequence.length} symbol indexes`);
  }
  let prefix = 0;
  while (prefix < entered.length && entered[prefix] === sequence[prefix]) prefix++;
  return [prefix, prefix === sequence.length && entered.length === sequence.length];
}

function only(result: unknown, key: string): unknown[] {
  const fits =
    result !== null &&
    typeof result === "object" &&
    !Array.isArray(result) &&
    Object.keys(result).length === 1 &&
    Array.isArray((result as Record<string, unknown>)[key]);
  if (!fits) throw new BadResult(`the result must be {"${key}": [...]}`);
  return (result as Record<string, unknown[]>)[key]!;
}
