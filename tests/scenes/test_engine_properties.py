"""Property tests of the engine on generated graphs: whatever the graph and the inputs, the
engine never crashes, never stands on an unknown node, keeps its call stack balanced, and
gives the same states for the same seed and inputs."""

from __future__ import annotations

import contextlib
import copy
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pixsim7.scenes import engine
from pixsim7.scenes.format import Bundle, dump

FLAGS = ["n", "b", "items"]
VALUES: list[Any] = [0, 1, 3, -2, True, False, "x", None, ["x"]]
PORTS = {"condition": ["true", "false"], "mini_game": ["success", "failure"]}
GAMES = {
    "reflex": {
        "rounds": 2,
        "min_delay_ms": 0,
        "max_delay_ms": 30,
        "window_ms": 100,
        "success_ratio": 0.5,
    },
    "memory": {"length": 2, "symbols": ["a", "b", "c"], "show_ms": 100},
}


def _node(draw: st.DrawFn, node_id: str, scene_ids: list[int]) -> dict[str, Any]:
    kind = draw(st.sampled_from([*list(PORTS), "video", "choice", "end", "scene_call", "return"]))
    node: dict[str, Any] = {"id": node_id, "type": kind}
    if kind == "video":
        count = draw(st.integers(0, 3))
        node["media"] = [
            {
                "asset_id": draw(st.sampled_from([1, 2, None])),
                "tags": draw(st.sampled_from([[], ["t"]])),
            }
            for _ in range(count)
        ]
        node["selection"] = draw(
            st.sampled_from(
                [
                    {"mode": "ordered"},
                    {"mode": "random"},
                    {"mode": "pool", "tags": ["t"], "count": 2},
                ]
            )
        )
        node["playback"] = draw(
            st.sampled_from(
                [
                    {"mode": "normal"},
                    {"mode": "loop"},
                    {
                        "mode": "progression",
                        "steps": [
                            {"label": "one", "start": 0, "end": 1},
                            {
                                "label": "two",
                                "start": 1,
                                "end": 2,
                                "gate": {"game": "reflex", "config": GAMES["reflex"]},
                            },
                        ],
                    },
                ]
            )
        )
    elif kind == "choice":
        node["timeout"] = draw(st.sampled_from([None, {"seconds": 1}]))
    elif kind == "condition":
        node |= {
            "flag": draw(st.sampled_from(FLAGS)),
            "op": draw(st.sampled_from(["eq", "neq", "gt", "lt", "gte", "lte", "includes"])),
            "value": draw(st.sampled_from(VALUES)),
        }
    elif kind == "mini_game":
        game = draw(st.sampled_from(list(GAMES)))
        node |= {"game": game, "config": GAMES[game], "score_flag": "n"}
    elif kind == "end":
        node["outcome"] = draw(st.sampled_from(["success", "failure", "neutral"]))
    elif kind == "scene_call":
        node |= {
            "scene": draw(st.sampled_from(scene_ids)),
            "bindings": {"n": {"flag": "n"}},
            "returns": {"n": "n"},
        }
    else:
        node |= {"port": draw(st.sampled_from([None, "p"])), "values": {"n": {"value": 1}}}
    return node


def _edges(draw: st.DrawFn, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    edges = []
    ids = [n["id"] for n in nodes]
    for node in nodes:
        if node["type"] in ("end", "return"):
            continue
        ports = PORTS.get(node["type"], [None, "p"] if node["type"] == "scene_call" else [None])
        for i in range(draw(st.integers(0, 3))):
            edge: dict[str, Any] = {
                "id": f"{node['id']}-{i}",
                "from": node["id"],
                "to": draw(st.sampled_from(ids)),
                "port": draw(st.sampled_from(ports)),
                "is_default": draw(st.booleans()),
                "conditions": draw(
                    st.lists(
                        st.fixed_dictionaries(
                            {
                                "flag": st.sampled_from(FLAGS),
                                "op": st.sampled_from(["eq", "neq", "gt", "lt", "includes"]),
                                "value": st.sampled_from(VALUES),
                            }
                        ),
                        max_size=1,
                    )
                ),
                "effects": draw(
                    st.lists(
                        st.sampled_from(
                            [
                                {"flag": "n", "op": "inc"},
                                {"flag": "n", "op": "dec", "value": 2},
                                {"flag": "b", "op": "toggle"},
                                {"flag": "items", "op": "push", "value": "x"},
                                {"flag": "n", "op": "set", "value": 3},
                            ]
                        ),
                        max_size=2,
                    )
                ),
            }
            edges.append(edge)
    return edges


@st.composite
def bundles(draw: st.DrawFn) -> dict[str, Any]:
    scene_ids = list(range(1, draw(st.integers(1, 3)) + 1))
    scenes = []
    for scene_id in scene_ids:
        nodes = [_node(draw, f"s{scene_id}n{i}", scene_ids) for i in range(draw(st.integers(1, 8)))]
        # A called scene is now and then a draft with no start: a call to it is stuck.
        draft = scene_id != 1 and draw(st.integers(0, 3)) == 0
        scenes.append(
            {
                "id": scene_id,
                "title": f"S{scene_id}",
                "start": None if draft else nodes[0]["id"],
                "nodes": nodes,
                "edges": _edges(draw, nodes),
                "flags": {"n": 0, "b": False, "items": []},
            }
        )
    return dump(Bundle.model_validate({"format": "pixsim7.scene/1", "root": 1, "scenes": scenes}))


@st.composite
def inputs(draw: st.DrawFn, bundle: engine.Loaded, state: engine.State) -> dict[str, Any]:
    """An input the state may or may not accept: mostly well aimed, sometimes not."""
    offered = [o["edge"] for o in engine.options(bundle, state)["options"]]
    candidates: list[dict[str, Any]] = [
        {"kind": "segment_end"},
        {"kind": "timeout"},
        {"kind": "back"},
        {"kind": "choice", "edge": "nope"},
    ]
    candidates += [{"kind": "choice", "edge": e} for e in offered]
    game = state["game"]
    if game is not None:
        if game["game"] == "reflex":
            times = st.lists(st.sampled_from([None, 0, 50, 150]), min_size=2, max_size=2)
            candidates.append({"kind": "mini_game", "result": {"reaction_ms": draw(times)}})
        else:
            entered = st.lists(st.integers(0, 2), max_size=2)
            candidates.append({"kind": "mini_game", "result": {"entered": draw(entered)}})
    return draw(st.sampled_from(candidates))


def _check_invariants(bundle: engine.Loaded, state: engine.State) -> None:
    scene = bundle.scenes[state["scene"]]
    assert state["node"] in scene.nodes
    assert len(state["stack"]) <= 16
    # The stack is the chain of calls from the root to the current scene.
    at = bundle.root
    for frame in state["stack"]:
        assert frame["scene"] == at
        call = bundle.scenes[at].nodes[frame["node"]]
        assert call["type"] == "scene_call"
        at = call["scene"]
    assert at == state["scene"]
    assert (state["phase"] == "ended") == (state["end"] is not None)
    assert (state["phase"] == "mini_game") == (state["game"] is not None)
    assert 0 <= state["rng"] < 2**32


def _play(bundle: engine.Loaded, seed: int, inputs: list[dict[str, Any]]) -> list[str]:
    state = engine.start(bundle, seed)
    seen = [json.dumps(state, sort_keys=True)]
    for given_input in inputs:
        with contextlib.suppress(engine.InvalidInput):
            state = engine.advance(bundle, state, given_input)
        seen.append(json.dumps(state, sort_keys=True))
    return seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bundles(), st.integers(0, 2**32 - 1), st.data())
def test_any_play_keeps_the_invariants(raw: dict[str, Any], seed: int, data: st.DataObject) -> None:
    bundle = engine.load(raw)
    state = engine.start(bundle, seed)
    _check_invariants(bundle, state)
    played = []
    for _ in range(25):
        given_input = data.draw(inputs(bundle, state))
        played.append(given_input)
        before = copy.deepcopy(state)
        try:
            after = engine.advance(bundle, state, given_input)
        except engine.InvalidInput:
            assert state == before  # refused: nothing changed
            continue
        assert state == before  # the argument is never changed
        state = after
        _check_invariants(bundle, state)
    assert _play(bundle, seed, played) == _play(bundle, seed, played)
