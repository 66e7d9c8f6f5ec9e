/** The golden traces of tests/scenes/golden/, the contract the Python engine also passes. */
import { readFileSync, readdirSync } from "node:fs";
import { resolve } from "node:path";
import { advance, InvalidInput, load, options, start, type Loaded } from "src/features/scenes/engine/engine";
import { Draws, nextU32 } from "src/features/scenes/engine/prng";
import type { Bundle, State } from "src/features/scenes/engine/types";

const GOLDEN = resolve(__dirname, "../../../../../tests/scenes/golden") + "/";
const TRACES = readdirSync(GOLDEN).filter((name) => name.endsWith(".trace.json")).sort();

interface Expected {
  state: unknown;
  history: number;
  options: unknown;
}
interface Trace {
  bundle: Bundle;
  seed: number;
  start: Expected;
  steps: (({ input: unknown } & Expected) | { input: unknown; error: string })[];
}

const read = (name: string): unknown => JSON.parse(readFileSync(GOLDEN + name, "utf8"));

function check(bundle: Loaded, state: State, expected: Expected) {
  const { history, ...seen } = state;
  expect(seen).toStrictEqual(expected.state);
  expect(history).toHaveLength(expected.history);
  expect(options(bundle, state)).toStrictEqual(expected.options);
}

test("there are enough traces", () => {
  expect(TRACES.length).toBeGreaterThanOrEqual(8);
});

test.each(TRACES)("%s", (name) => {
  const trace = read(name) as Trace;
  const bundle = load(trace.bundle);
  let state = start(bundle, trace.seed);
  check(bundle, state, trace.start);
  trace.steps.forEach((step, number) => {
    const before = JSON.stringify(state);
    if ("error" in step) {
      let caught: unknown;
      try {
        advance(bundle, state, step.input);
      } catch (error) {
        caught = error;
      }
      expect(caught, `step ${number + 1}`).toBeInstanceOf(InvalidInput);
      expect((caught as InvalidInput).code, `step ${number + 1}`).toBe(step.error);
      expect(JSON.stringify(state)).toBe(before);
      return;
    }
    state = advance(bundle, state, step.input);
    check(bundle, state, step);
  });
});

test("the PRNG vectors", () => {
  const doc = read("prng.vectors.json") as {
    vectors: { seed: number; draws: number[]; state_after: number }[];
  };
  for (const vector of doc.vectors) {
    let state = vector.seed;
    const draws = vector.draws.map(() => {
      const [value, next] = nextU32(state);
      state = next;
      return value;
    });
    expect(draws).toStrictEqual(vector.draws);
    expect(state).toBe(vector.state_after);
  }
});

test("take is a partial Fisher-Yates", () => {
  // u32 values from seed 0: 1144304738 % 5 = 3, 1416247 % 4 = 3 -> swap(0,3), swap(1,1+3)
  expect(new Draws(0).take([10, 11, 12, 13, 14], 2)).toStrictEqual([13, 14]);
});
