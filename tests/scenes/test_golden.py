"""The golden traces (tests/scenes/golden/), the contract the TypeScript engine also passes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pixsim7.scenes import engine
from pixsim7.scenes.prng import Draws, next_u32

GOLDEN = Path(__file__).parent / "golden"
TRACES = sorted(GOLDEN.glob("*.trace.json"))


def _canonical(value: Any) -> str:
    # Compared as JSON text: in Python True == 1 and 1 == 1.0, in the contract they differ.
    return json.dumps(value, sort_keys=True)


def _check(bundle: engine.Loaded, state: engine.State, expected: dict[str, Any]) -> None:
    seen = {k: v for k, v in state.items() if k != "history"}
    assert _canonical(seen) == _canonical(expected["state"])
    assert len(state["history"]) == expected["history"]
    assert _canonical(engine.options(bundle, state)) == _canonical(expected["options"])


def test_there_are_enough_traces() -> None:
    assert len(TRACES) >= 8


@pytest.mark.parametrize("path", TRACES, ids=[p.name.split(".")[0] for p in TRACES])
def test_trace(path: Path) -> None:
    trace = json.loads(path.read_text())
    bundle = engine.load(trace["bundle"])
    state = engine.start(bundle, trace["seed"])
    _check(bundle, state, trace["start"])
    for number, step in enumerate(trace["steps"], 1):
        before = _canonical(state)
        if "error" in step:
            with pytest.raises(engine.InvalidInput) as caught:
                engine.advance(bundle, state, step["input"])
            assert caught.value.code == step["error"], f"step {number}"
            assert _canonical(state) == before
            continue
        state = engine.advance(bundle, state, step["input"])
        _check(bundle, state, step)


def test_every_node_type_input_and_operator_is_covered() -> None:
    nodes, inputs, ops, errors = set(), set(), set(), set()
    for path in TRACES:
        trace = json.loads(path.read_text())
        for scene in trace["bundle"]["scenes"]:
            nodes |= {n["type"] for n in scene["nodes"]}
            ops |= {n["op"] for n in scene["nodes"] if n["type"] == "condition"}
            for e in scene["edges"]:
                ops |= {c["op"] for c in e["conditions"]} | {f["op"] for f in e["effects"]}
        inputs |= {s["input"]["kind"] for s in trace["steps"] if "error" not in s}
        errors |= {s["error"] for s in trace["steps"] if "error" in s}
    assert nodes == {"video", "choice", "condition", "mini_game", "end", "scene_call", "return"}
    assert inputs == {"segment_end", "choice", "timeout", "mini_game", "back"}
    conditions = {"eq", "neq", "gt", "lt", "gte", "lte", "includes"}
    assert ops == conditions | {"set", "inc", "dec", "push", "toggle"}
    assert errors == {
        "bad_input",
        "unexpected_input",
        "option_not_offered",
        "no_timeout",
        "bad_result",
        "no_history",
    }


def test_prng_vectors() -> None:
    doc = json.loads((GOLDEN / "prng.vectors.json").read_text())
    for vector in doc["vectors"]:
        state, draws = vector["seed"], []
        for _ in vector["draws"]:
            value, state = next_u32(state)
            draws.append(value)
        assert draws == vector["draws"]
        assert state == vector["state_after"]


def test_draws_take_is_a_partial_fisher_yates() -> None:
    draws = Draws(0)
    # u32 values from seed 0: 1144304738 % 5 = 3, 1416247 % 4 = 3 -> swap(0,3), swap(1,1+3)
    assert draws.take([10, 11, 12, 13, 14], 2) == [13, 14]
