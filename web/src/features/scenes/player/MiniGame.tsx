import type { GameResult, GameState } from "src/features/scenes/engine/types";
import { MemoryGame } from "src/features/scenes/player/MemoryGame";
import { ReflexGame } from "src/features/scenes/player/ReflexGame";

/** The running mini-game, of whichever kind, reporting its result as the engine takes it. */
export function MiniGame({ game, onDone }: { game: GameState; onDone: (result: GameResult) => void }) {
  if (game.game === "reflex" && "delays_ms" in game.plan) {
    return (
      <ReflexGame
        config={game.config}
        delays={game.plan.delays_ms}
        onDone={(reaction_ms) => onDone({ reaction_ms })}
      />
    );
  }
  if (game.game === "memory" && "sequence" in game.plan) {
    return (
      <MemoryGame
        config={game.config}
        sequence={game.plan.sequence}
        onDone={(entered) => onDone({ entered })}
      />
    );
  }
  return null;
}
