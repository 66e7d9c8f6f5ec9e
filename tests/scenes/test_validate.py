"""The validator: each problem it reports, where, and how severe."""

from __future__ import annotations

from typing import Any

from pixsim7.scenes.format import Graph, dump
from pixsim7.scenes.validate import BLOCKING, Facts, SceneFacts, has_errors, validate

OWNED = Facts(scene_id=1, owned_assets=frozenset({7, 8}))


def _graph(nodes: list[dict[str, Any]], edges: list[dict[str, Any]], **extra: Any) -> Graph:
    start = extra.pop("start", nodes[0]["id"] if nodes else None)
    return Graph.model_validate({"start": start, "nodes": nodes, "edges": edges, **extra})


def _codes(graph: Graph, facts: Facts = OWNED) -> set[tuple[str, str | None]]:
    return {(p.code, p.node or p.edge) for p in validate(graph, facts)}


V = {"id": "v", "type": "video", "media": [{"asset_id": 7}]}
END = {"id": "end", "type": "end"}


def _e(id: str, src: str, to: str, **kw: Any) -> dict[str, Any]:
    return {"id": id, "from": src, "to": to, **kw}


def test_a_sound_scene_has_no_problems() -> None:
    graph = _graph([V, END], [_e("e", "v", "end")])
    assert validate(graph, OWNED) == []


def test_structure_problems_block_saving_and_stop_the_rest() -> None:
    graph = _graph(
        [V, END, {**END}, {"id": "c", "type": "condition", "flag": "f", "op": "eq"}],
        [
            _e("e", "v", "end"),
            _e("e", "v", "ghost"),
            _e("x", "nowhere", "v"),
            _e("p", "c", "v", port="maybe"),
            _e("q", "v", "end", port="true"),
            _e("r", "end", "v"),
        ],
    )
    codes = _codes(graph)
    assert codes == {
        ("duplicate_node_id", "end"),
        ("duplicate_edge_id", "e"),
        ("edge_target_missing", "e"),
        ("edge_source_missing", "x"),
        ("edge_port_invalid", "p"),
        ("edge_port_invalid", "q"),
        ("edge_port_invalid", "r"),
    }
    assert {c for c, _ in codes} <= BLOCKING


def test_start_reach_and_ways_out() -> None:
    assert _codes(_graph([], [])) == {("start_missing", None)}
    assert _codes(_graph([V, END], [_e("e", "v", "end")], start="zz")) == {("start_unknown", None)}
    graph = _graph(
        [
            V,
            END,
            {"id": "lost", "type": "video", "media": [{"asset_id": 8}]},
            {"id": "ch", "type": "choice", "timeout": {"seconds": 3}},
            {"id": "empty", "type": "choice"},
            {"id": "c", "type": "condition", "flag": "f", "op": "eq", "value": 1},
        ],
        [
            _e("a", "v", "ch"),
            _e("b", "ch", "end"),
            _e("d", "ch", "empty"),
            _e("f", "lost", "c"),
            _e("g", "c", "end", port="true"),
        ],
        flags={"f": 0},
    )
    assert _codes(graph) == {
        ("unreachable", "lost"),
        ("unreachable", "c"),
        ("timeout_without_default", "ch"),
        ("choice_without_options", "empty"),
        ("port_missing", "c"),
    }
    dead = _graph([V], [])
    assert _codes(dead) == {("dead_end", "v")}
    assert has_errors(validate(dead, OWNED))


def test_media_problems() -> None:
    graph = _graph(
        [
            {
                "id": "v",
                "type": "video",
                "media": [
                    {"asset_id": None, "missing": True},
                    {"asset_id": 99},
                    {"asset_id": None},
                ],
            },
            {
                "id": "pool",
                "type": "video",
                "media": [{"asset_id": 7, "tags": ["day"]}],
                "selection": {"mode": "pool", "tags": ["night"]},
            },
            {
                "id": "prog",
                "type": "video",
                "media": [{"asset_id": 7}, {"asset_id": 8}],
                "playback": {
                    "mode": "progression",
                    "steps": [{"label": "a", "start": 0, "end": 1}],
                },
            },
            END,
        ],
        [_e("a", "v", "pool"), _e("b", "pool", "prog"), _e("c", "prog", "end")],
    )
    problems = validate(graph, OWNED)
    assert {(p.code, p.node) for p in problems} == {
        ("media_missing", "v"),
        ("media_not_owned", "v"),
        ("video_without_media", "v"),
        ("video_without_media", "pool"),
        ("progression_extra_media", "prog"),
    }
    assert [p.message for p in problems if p.code == "media_missing"] == [
        "media 1: the asset was deleted",
        "media 3: the asset is not chosen",
    ]


def test_flag_types_and_flags_never_set() -> None:
    graph = _graph(
        [
            {"id": "ch", "type": "choice"},
            {"id": "c", "type": "condition", "flag": "gold", "op": "includes", "value": 1},
            {"id": "c2", "type": "condition", "flag": "ghost", "op": "eq", "value": True},
            {
                "id": "g",
                "type": "mini_game",
                "game": "memory",
                "score_flag": "name",
                "config": {"length": 2, "symbols": ["a", "b"], "show_ms": 200},
            },
            END,
        ],
        [
            _e("a", "ch", "c", effects=[{"flag": "gold", "op": "set", "value": "lots"}]),
            _e(
                "b",
                "ch",
                "c",
                effects=[
                    {"flag": "lamp", "op": "toggle"},
                    {"flag": "lamp", "op": "push", "value": 1},
                ],
            ),
            _e("d", "ch", "end", conditions=[{"flag": "gold", "op": "gt", "value": "x"}]),
            _e("t", "c", "c2", port="true"),
            _e("f", "c", "g", port="false"),
            _e("t2", "c2", "end", port="true"),
            _e("f2", "c2", "end", port="false"),
            _e("w", "g", "end", port="success"),
            _e("l", "g", "end", port="failure"),
        ],
        flags={"gold": 0, "name": "ann"},
    )
    problems = [p for p in validate(graph, OWNED) if p.code.startswith("flag_")]
    assert {(p.code, p.node or p.edge) for p in problems} == {
        ("flag_type_mismatch", "a"),  # set to a string, declared an integer
        ("flag_type_mismatch", "b"),  # toggled, then pushed onto
        ("flag_type_mismatch", "d"),  # gt with a string value
        ("flag_type_mismatch", "c"),  # includes on an integer
        ("flag_type_mismatch", "g"),  # a score into a string flag
        ("flag_never_set", "c2"),
    }
    assert all(p.severity == ("error" if "mismatch" in p.code else "warning") for p in problems)


def test_scene_calls() -> None:
    facts = Facts(
        scene_id=1,
        owned_assets=frozenset({7}),
        scenes={
            2: SceneFacts(params=frozenset({"hp"}), calls=frozenset({3}), has_return=True),
            3: SceneFacts(calls=frozenset({1}), has_return=False),  # back to 1: never unwinds
            4: SceneFacts(has_return=True),
        },
    )
    graph = _graph(
        [
            {
                "id": "a",
                "type": "scene_call",
                "scene": 2,
                "bindings": {"hp": {"value": 1}, "mp": {"value": 2}},
            },
            {"id": "b", "type": "scene_call", "scene": 4},
            {"id": "c", "type": "scene_call", "scene": 5},
            {"id": "d", "type": "scene_call", "scene": None, "missing": True},
            {"id": "r", "type": "return"},
        ],
        [_e("1", "a", "b"), _e("2", "b", "c"), _e("3", "c", "d"), _e("4", "d", "r")],
    )
    assert _codes(graph, facts) == {
        ("unknown_param", "a"),
        ("call_cycle_without_return", "a"),
        ("call_target_unknown", "c"),
        ("call_target_missing", "d"),
    }
    unwinding = {**facts.scenes, 3: SceneFacts(calls=frozenset({1}), has_return=True)}
    codes = _codes(graph, Facts(scene_id=1, owned_assets=frozenset({7}), scenes=unwinding))
    assert ("call_cycle_without_return", "a") not in codes
    # A scene calling itself unwinds only if it has a return node itself.
    selfish = _graph([{"id": "s", "type": "scene_call", "scene": 1}], [_e("x", "s", "s")])
    assert ("call_cycle_without_return", "s") in _codes(selfish)


def test_the_normalized_form_parses_again() -> None:
    """What a save stores (every default written out) is read back by the same models."""
    effects = [
        {"flag": "n", "op": "inc"},
        {"flag": "n", "op": "dec", "value": 2},
        {"flag": "b", "op": "toggle"},
        {"flag": "l", "op": "push", "value": None},
        {"flag": "s", "op": "set", "value": None},
    ]
    graph = _graph([V, END], [_e("e", "v", "end", effects=effects)])
    again = Graph.model_validate(dump(graph))
    assert dump(again) == dump(graph)
    assert dump(graph)["edges"][0]["effects"][0] == {"flag": "n", "op": "inc", "value": None}


def test_media_must_be_videos() -> None:
    facts = Facts(scene_id=1, owned_assets=frozenset({7, 8}), videos=frozenset({8}))
    graph = _graph([V, END], [_e("e", "v", "end")])
    assert _codes(graph, facts) == {("media_not_video", "v"), ("video_without_media", "v")}
