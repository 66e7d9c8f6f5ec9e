"""Mini-games as the engine sees them: a plan drawn from the PRNG, a result checked and scored.

The player runs the game itself (cues, timing, input); the engine decides only what the
game is (the reflex delays, the memory sequence) and whether a reported result wins, so the
server can check a result against the plan it drew (docs/scenes.md §1, `mini_game`).
"""

from __future__ import annotations

from typing import Any

from pixsim7.scenes.flags import is_int
from pixsim7.scenes.prng import Draws

MAX_REACTION_MS = 600_000


class BadResult(ValueError):
    """A result that does not fit its game."""


def plan(game: str, config: dict[str, Any], draws: Draws) -> dict[str, Any]:
    if game == "reflex":
        low, high = config["min_delay_ms"], config["max_delay_ms"]
        return {"delays_ms": [low + draws.below(high - low + 1) for _ in range(config["rounds"])]}
    if game == "memory":
        count = len(config["symbols"])
        return {"sequence": [draws.below(count) for _ in range(config["length"])]}
    raise ValueError(f"unknown mini-game {game!r}")


def score(game: dict[str, Any], result: Any) -> tuple[int, bool]:
    """(score, success) of a result for the running game; BadResult if it does not fit."""
    config, drawn = game["config"], game["plan"]
    if game["game"] == "reflex":
        times = _only(result, "reaction_ms")
        if len(times) != config["rounds"] or not all(
            t is None or (is_int(t) and 0 <= t <= MAX_REACTION_MS) for t in times
        ):
            raise BadResult(f"reaction_ms must hold {config['rounds']} times in ms or nulls")
        hits = sum(1 for t in times if t is not None and t <= config["window_ms"])
        return hits, hits >= config["rounds"] * config["success_ratio"]
    entered = _only(result, "entered")
    count, sequence = len(config["symbols"]), drawn["sequence"]
    if len(entered) > len(sequence) or not all(is_int(i) and 0 <= i < count for i in entered):
        raise BadResult(f"entered must hold at most {len(sequence)} symbol indexes")
    prefix = 0
    while prefix < len(entered) and entered[prefix] == sequence[prefix]:
        prefix += 1
    return prefix, entered == sequence


def _only(result: Any, key: str) -> list[Any]:
    if not isinstance(result, dict) or set(result) != {key} or not isinstance(result[key], list):
        raise BadResult(f"the result must be {{{key!r}: [...]}}")
    return result[key]
