"""Malformed scenes are refused whole: 422 with what is wrong, and nothing written."""

from __future__ import annotations

import json
from typing import Any

from pixsim7.scenes.format import MAX_NODES as N
from tests.scenes.conftest import API, Studio, graph


async def _refused(me: Studio, body: Any, *, status: int = 422) -> dict[str, Any]:
    content = body if isinstance(body, str) else json.dumps(body)
    r = await me.client.post(
        API, headers={**me.h, "content-type": "application/json"}, content=content
    )
    assert r.status_code == status, r.text[:500]
    assert (await me.get(API)).json()["items"] == []  # nothing written
    return dict(r.json()["error"])


async def test_graph_problems_are_a_problem_list(studio: Any) -> None:
    me: Studio = await studio()
    body = graph(await me.video(), await me.video())
    body["edges"].append({"id": "dangling", "from": "fork", "to": "nowhere", "label": "?"})
    body["edges"].append({"id": "e1", "from": "cave", "to": "win"})
    body["nodes"].append({"id": "win", "type": "end"})
    body["edges"].append({"id": "bad-port", "from": "fork", "to": "win", "port": "true"})
    error = await _refused(me, body)
    assert error["code"] == "scene_invalid"
    assert {(p["code"], p["node"] or p["edge"]) for p in error["problems"]} == {
        ("edge_target_missing", "dangling"),
        ("duplicate_edge_id", "e1"),
        ("duplicate_node_id", "win"),
        ("edge_port_invalid", "bad-port"),
    }
    assert error["fields"]["edges.dangling"] == "edge to a missing node nowhere"


async def test_wrong_fields_and_unknown_types(studio: Any) -> None:
    me: Studio = await studio()
    node = {"id": "v", "type": "video", "media": [{"asset_id": "seven"}]}
    error = await _refused(me, {"title": "T", "nodes": [node]})
    assert any(k.startswith("nodes.0") for k in error["fields"])
    error = await _refused(me, {"title": "T", "nodes": [{"id": "x", "type": "teleport"}]})
    assert "nodes.0" in error["fields"]
    error = await _refused(me, {"title": "T", "nodes": [{"id": "x", "type": "end", "color": 1}]})
    assert any("color" in k for k in error["fields"])
    loop = {"id": "l", "type": "video", "playback": {"mode": "loop", "start": 3, "end": 1}}
    await _refused(me, {"title": "T", "nodes": [loop]})
    effect = {"flag": "n", "op": "inc", "value": "many"}
    edge = {"id": "e", "from": "a", "to": "a", "effects": [effect]}
    await _refused(me, {"title": "T", "nodes": [{"id": "a", "type": "choice"}], "edges": [edge]})
    await _refused(me, {"title": "T", "flags": {"x": 1.5}})
    await _refused(me, {"title": "T", "flags": {"1bad": 1}})
    await _refused(me, {"title": "x" * 201})
    await _refused(me, {"title": "T", "nodes": [{"id": "a" * 65, "type": "end"}]})


async def test_sizes_and_nesting_are_bounded(studio: Any) -> None:
    me: Studio = await studio()
    many = [{"id": f"n{i}", "type": "end"} for i in range(100_000)]
    error = await _refused(me, {"title": "T", "nodes": many})
    assert "nodes" in error["fields"] and len(error["fields"]) < 10
    deep = '{"title": "T", "flags": {"x": ' + "[" * 5_000 + "]" * 5_000 + "}}"
    error = await _refused(me, deep)
    assert error["fields"] == {"body": "nested too deeply"}
    nested: Any = "x"
    for _ in range(50):
        nested = [nested]
    await _refused(me, {"title": "T", "flags": {"x": nested}})
    huge = {"title": "T", "description": "x" * (5 * 1024 * 1024)}
    error = await _refused(me, huge, status=413)
    assert error["code"] == "payload_too_large"


async def test_the_largest_scene_fits(studio: Any) -> None:
    """5,000 nodes: past the 1 MiB cap of other JSON bodies, within the scenes' 4 MiB."""
    me: Studio = await studio()
    video = await me.video()
    nodes: list[dict[str, Any]] = [
        {
            "id": f"n{i}",
            "type": "video",
            "label": f"Clip {i}",
            "position": {"x": i, "y": i % 40},
            "media": [{"asset_id": video, "start": 0, "end": 0.5}],
        }
        for i in range(N - 1)
    ]
    nodes.append({"id": "end", "type": "end", "outcome": "success"})
    edges = [
        {
            "id": f"e{i}",
            "from": f"n{i}",
            "to": f"n{i + 1}" if i < N - 2 else "end",
            "effects": [{"flag": "seen", "op": "inc"}],
        }
        for i in range(N - 1)
    ]
    body = {"title": "Long", "start": "n0", "flags": {"seen": 0}, "nodes": nodes, "edges": edges}
    assert len(json.dumps(body)) > 1024 * 1024
    r = await me.post(API, body)
    assert r.status_code == 201, r.text[:300]
    assert r.json()["node_count"] == N and r.json()["problems"] == []
