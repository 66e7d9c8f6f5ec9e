"""The scene engine's random numbers: mulberry32 on an unsigned 32-bit state, integers only.

The web player runs the same generator in TypeScript (docs/scenes.md §5), so every draw here
must mask to 32 bits exactly where JavaScript's `>>> 0`, `Math.imul` and `^` do.
"""

from __future__ import annotations

MASK = 0xFFFFFFFF
SEED_LIMIT = 1 << 32


def next_u32(state: int) -> tuple[int, int]:
    """One draw: (an unsigned 32-bit value, the next state)."""
    a = (state + 0x6D2B79F5) & MASK
    t = (((a ^ (a >> 15)) & MASK) * (a | 1)) & MASK
    t ^= (t + ((((t ^ (t >> 7)) & MASK) * (t | 61)) & MASK)) & MASK
    return (t ^ (t >> 14)) & MASK, a


class Draws:
    """A PRNG state that draws in place; `state` is what goes back into the engine state."""

    def __init__(self, state: int) -> None:
        self.state = state & MASK

    def u32(self) -> int:
        value, self.state = next_u32(self.state)
        return value

    def below(self, n: int) -> int:
        """An index in [0, n): `u32 % n` (n ≥ 1; the modulo bias is part of the contract)."""
        return self.u32() % n

    def take(self, pool: list[int], k: int) -> list[int]:
        """`k` items of `pool` without replacement, by a partial Fisher-Yates shuffle."""
        items = list(pool)
        k = min(k, len(items))
        for i in range(k):
            j = i + self.below(len(items) - i)
            items[i], items[j] = items[j], items[i]
        return items[:k]
