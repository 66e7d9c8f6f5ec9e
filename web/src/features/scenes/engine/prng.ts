/**
 * The engine's random numbers: mulberry32 on an unsigned 32-bit state, integers only
 * (docs/scenes.md §5), the twin of src/pixsim7/scenes/prng.py.
 */

/** One draw: [an unsigned 32-bit value, the next state]. */
export function nextU32(s: number): [number, number] {
  const a = (s + 0x6d2b79f5) >>> 0;
  let t = a;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return [(t ^ (t >>> 14)) >>> 0, a];
}

/** A PRNG state that draws in place; `state` goes back into the engine state. */
export class Draws {
  state: number;

  constructor(state: number) {
    this.state = state >>> 0;
  }

  u32(): number {
    const [value, next] = nextU32(this.state);
    this.state = next;
    return value;
  }

  /** An index in [0, n): `u32 % n` (the modulo bias is part of the contract). */
  below(n: number): number {
    return this.u32() % n;
  }

  /** `k` items of `pool` without replacement, by a partial Fisher-Yates shuffle. */
  take(pool: number[], k: number): number[] {
    const items = [...pool];
    const count = Math.min(k, items.length);
    for (let i = 0; i < count; i++) {
      const j = i + this.below(items.length - i);
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items.slice(0, count);
  }
}
