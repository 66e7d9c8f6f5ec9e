"""The scene engine: `start`, `options`, `advance` over a bundle, pure and deterministic.

States are plain JSON (docs/scenes.md §4); every call returns a new state and leaves its
argument alone. The web player runs a TypeScript twin of this module, and both must pass the
golden traces in tests/scenes/golden/, so the rules here are the documented ones to the
letter: edges in array order, strict equality, one PRNG draw per documented use.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from pixsim7.scenes.prng import SEED_LIMIT
from pixsim7.scenes.run import InvalidInput, Loaded, Run, Scene, State

__all__ = ["InvalidInput", "Loaded", "State", "advance", "load", "options", "start"]

STATE_FORMAT = "pixsim7.state/1"
_INPUT_KEYS = {
    "segment_end": {"kind"},
    "choice": {"kind", "edge"},
    "timeout": {"kind"},
    "mini_game": {"kind", "result"},
    "back": {"kind"},
}


def load(bundle: Mapping[str, Any]) -> Loaded:
    """Index a normalized bundle (every field present, as `format.dump` writes it)."""
    scenes: dict[int, Scene] = {}
    for doc in bundle["scenes"]:
        scene = Scene(doc=dict(doc), nodes={n["id"]: n for n in doc["nodes"]})
        for edge in doc["edges"]:
            scene.out.setdefault(edge["from"], []).append(edge)
        scenes[doc["id"]] = scene
    return Loaded(root=bundle["root"], scenes=scenes)


def start(bundle: Loaded, seed: int) -> State:
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < SEED_LIMIT:
        raise ValueError("seed must be an integer in [0, 2**32)")
    root = bundle.scenes.get(bundle.root)
    state: State = {
        "format": STATE_FORMAT,
        "root": bundle.root,
        "scene": bundle.root,
        "node": None,
        "phase": "segment",
        "flags": copy.deepcopy(root.doc["flags"]) if root else {},
        "stack": [],
        "video": None,
        "game": None,
        "rng": seed,
        "end": None,
        "history": [],
    }
    run = Run(bundle, state)
    if root is None:
        run.stuck("unknown_scene")
    else:
        run.enter(root.doc["start"])
    return run.done()


def options(bundle: Loaded, state: State) -> dict[str, Any]:
    """What the player may choose now, and what a timeout would take."""
    if state["phase"] != "choice":
        return {"options": [], "timeout": None}
    run = Run(bundle, state)
    node = run.node()
    offered = run.open_edges(node)
    timeout = None
    if node["type"] == "choice" and node["timeout"] is not None:
        taken = run.timeout_edge(offered)
        timeout = {"seconds": node["timeout"]["seconds"], "edge": taken["id"] if taken else None}
    return {
        "options": [
            {"edge": e["id"], "label": e["label"], "to": e["to"], "is_default": e["is_default"]}
            for e in offered
        ],
        "timeout": timeout,
    }


def advance(bundle: Loaded, state: State, given: Any) -> State:
    """The state after one input; InvalidInput (and nothing changed) if it is not accepted."""
    kind = _kind(given)
    if kind == "back":
        if not state["history"]:
            raise InvalidInput("no_history", "there is no earlier decision to go back to")
        previous = copy.deepcopy(state["history"][-1])
        return {**previous, "history": copy.deepcopy(state["history"][:-1])}
    expected = {
        "segment_end": "segment",
        "choice": "choice",
        "timeout": "choice",
        "mini_game": "mini_game",
    }[kind]
    if state["phase"] != expected:
        raise InvalidInput("unexpected_input", f"{kind} is not expected in phase {state['phase']}")
    run = Run(bundle, copy.deepcopy(state))
    if kind == "segment_end":
        run.segment_end()
    elif kind == "mini_game":
        run.mini_game(given["result"])
    else:
        run.decide(given.get("edge"))
    return run.done()


def _kind(given: Any) -> str:
    if not isinstance(given, dict) or given.get("kind") not in _INPUT_KEYS:
        raise InvalidInput("bad_input", "an input is an object with a known kind")
    kind: str = given["kind"]
    if set(given) != _INPUT_KEYS[kind] or (kind == "choice" and not isinstance(given["edge"], str)):
        fields = ", ".join(sorted(_INPUT_KEYS[kind]))
        raise InvalidInput("bad_input", f"a {kind} input has the fields {fields}")
    return kind
