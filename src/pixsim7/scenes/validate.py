"""Validation of a scene graph: a list of problems, each with a code, a severity and the node
or edge it is about, so an editor can mark them (docs/scenes.md §7).

Pure: what it needs to know about the world (which assets the owner has, which scenes exist
and what they call) comes in as `Facts`, gathered by the service. Problems whose code is in
`BLOCKING` make a save a 422 (a graph that is not a graph, or a reference to something the
owner does not have); every other problem is saved with the draft, and errors keep a scene
from being published or exported.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from pixsim7.scenes import flagtypes
from pixsim7.scenes.format import Graph, Pool, VideoNode

Severity = Literal["error", "warning"]
STRUCTURAL = frozenset(
    {
        "duplicate_node_id",
        "duplicate_edge_id",
        "edge_source_missing",
        "edge_target_missing",
        "edge_port_invalid",
    }
)
BLOCKING = STRUCTURAL | {"media_not_owned", "call_target_unknown"}
PORTS: dict[str, set[str] | None] = {
    "video": set(),
    "choice": set(),
    "condition": {"true", "false"},
    "mini_game": {"success", "failure"},
    "scene_call": None,  # any return port, or none
}


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    message: str
    node: str | None = None
    edge: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SceneFacts:
    """What validation needs to know of another scene: its parameters and its calls."""

    params: frozenset[str] = frozenset()
    calls: frozenset[int] = frozenset()
    has_return: bool = False


@dataclass(frozen=True)
class Facts:
    scene_id: int | None = None  # None for a scene not saved yet
    owned_assets: frozenset[int] = frozenset()
    videos: frozenset[int] | None = None  # those of owned_assets that are videos; None: all
    scenes: Mapping[int, SceneFacts] = field(default_factory=dict)  # the owner's, by id


def has_errors(problems: list[Problem]) -> bool:
    return any(p.severity == "error" for p in problems)


def validate(graph: Graph, facts: Facts) -> list[Problem]:
    problems = list(_structure(graph))
    if any(p.code in STRUCTURAL for p in problems):
        return problems  # the rest reads edges as links between known nodes
    problems += _start_and_reach(graph)
    problems += _ways_out(graph)
    problems += _media(graph, facts)
    problems += _calls(graph, facts)
    problems += flagtypes.check(
        graph,
        lambda code, msg, node, edge: Problem(
            code, "error" if code == "flag_type_mismatch" else "warning", msg, node, edge
        ),
    )
    return problems


def _structure(graph: Graph) -> Iterator[Problem]:
    kinds: dict[str, str] = {}
    for node in graph.nodes:
        if node.id in kinds:
            yield Problem("duplicate_node_id", "error", f"two nodes are named {node.id}", node.id)
        kinds[node.id] = node.type
    seen: set[str] = set()
    for edge in graph.edges:
        if edge.id in seen:
            yield Problem(
                "duplicate_edge_id", "error", f"two edges are named {edge.id}", edge=edge.id
            )
        seen.add(edge.id)
        if edge.from_ not in kinds:
            yield Problem("edge_source_missing", "error", f"no node {edge.from_}", edge=edge.id)
            continue
        if edge.to not in kinds:
            yield Problem(
                "edge_target_missing", "error", f"edge to a missing node {edge.to}", edge=edge.id
            )
        allowed = PORTS.get(kinds[edge.from_], set())
        kind = kinds[edge.from_]
        if kind in ("end", "return"):
            yield Problem(
                "edge_port_invalid", "error", f"a {kind} node has no way out", edge=edge.id
            )
        elif allowed is not None and (edge.port or "") not in (allowed or {""}):
            wanted = " or ".join(sorted(allowed)) if allowed else "no port"
            yield Problem(
                "edge_port_invalid",
                "error",
                f"an edge out of a {kind} node takes {wanted}",
                edge=edge.id,
            )


def _start_and_reach(graph: Graph) -> Iterator[Problem]:
    ids = {n.id for n in graph.nodes}
    if graph.start is None:
        if graph.nodes:
            yield Problem("start_missing", "error", "the scene has no start node")
        else:
            yield Problem("start_missing", "error", "the scene has no nodes yet")
        return
    if graph.start not in ids:
        yield Problem("start_unknown", "error", f"the start node {graph.start} does not exist")
        return
    out: dict[str, list[str]] = {}
    for edge in graph.edges:
        out.setdefault(edge.from_, []).append(edge.to)
    reached, queue = {graph.start}, deque([graph.start])
    while queue:
        for target in out.get(queue.popleft(), []):
            if target not in reached:
                reached.add(target)
                queue.append(target)
    for node in graph.nodes:
        if node.id not in reached:
            yield Problem("unreachable", "warning", "no path leads here from the start", node.id)


def _ways_out(graph: Graph) -> Iterator[Problem]:
    ports: dict[str, list[tuple[str | None, bool]]] = {}
    for edge in graph.edges:
        ports.setdefault(edge.from_, []).append((edge.port, edge.is_default))
    for node in graph.nodes:
        out = ports.get(node.id, [])
        if node.type in ("end", "return"):
            continue
        if node.type == "choice":
            if not out:
                yield Problem("choice_without_options", "error", "a choice needs options", node.id)
            elif node.timeout is not None and not any(default for _, default in out):
                yield Problem(
                    "timeout_without_default",
                    "warning",
                    "the timeout takes the first option: mark one as default",
                    node.id,
                )
            continue
        if not out:
            yield Problem("dead_end", "error", f"this {node.type} node has no way out", node.id)
            continue
        needed = PORTS.get(node.type)
        for port in sorted((needed or set()) - {p for p, _ in out}):
            yield Problem("port_missing", "warning", f"nothing follows the {port} way out", node.id)


def _media(graph: Graph, facts: Facts) -> Iterator[Problem]:
    for node in graph.nodes:
        if not isinstance(node, VideoNode):
            continue
        playable = []
        for i, media in enumerate(node.media):
            if media.asset_id is None:
                why = "was deleted" if media.missing else "is not chosen"
                yield Problem("media_missing", "error", f"media {i + 1}: the asset {why}", node.id)
            elif media.asset_id not in facts.owned_assets:
                yield Problem(
                    "media_not_owned",
                    "error",
                    f"asset {media.asset_id} is not one of yours",
                    node.id,
                )
            elif facts.videos is not None and media.asset_id not in facts.videos:
                yield Problem(
                    "media_not_video", "error", f"asset {media.asset_id} is not a video", node.id
                )
            else:
                playable.append(media)
        if isinstance(node.selection, Pool):
            wanted = set(node.selection.tags)
            playable = [m for m in playable if wanted <= set(m.tags)]
        if not playable:
            yield Problem("video_without_media", "error", "nothing here can be played", node.id)
        playback = node.playback
        if (
            playback.mode == "progression"
            and node.selection.mode == "ordered"
            and len(playable) > 1
        ):
            yield Problem(
                "progression_extra_media",
                "warning",
                "progression plays the first clip only",
                node.id,
            )


def _calls(graph: Graph, facts: Facts) -> Iterator[Problem]:
    own = SceneFacts(
        params=frozenset(graph.flags),
        calls=frozenset(n.scene for n in graph.nodes if n.type == "scene_call" and n.scene),
        has_return=any(n.type == "return" for n in graph.nodes),
    )
    scenes = dict(facts.scenes)
    if facts.scene_id is not None:
        scenes[facts.scene_id] = own
    cycle = _cycle(facts.scene_id, scenes)
    never_unwinds = any(not scenes[s].has_return for s in cycle if s in scenes)
    for node in graph.nodes:
        if node.type != "scene_call":
            continue
        if node.scene is None:
            why = "was deleted" if node.missing else "is not chosen"
            yield Problem("call_target_missing", "error", f"the called scene {why}", node.id)
            continue
        callee = scenes.get(node.scene)
        if callee is None:
            yield Problem(
                "call_target_unknown", "error", f"scene {node.scene} is not one of yours", node.id
            )
            continue
        for name in sorted(set(node.bindings) - callee.params):
            yield Problem("unknown_param", "error", f"the called scene has no flag {name}", node.id)
        if never_unwinds and node.scene in cycle:
            yield Problem(
                "call_cycle_without_return",
                "error",
                "this call comes back here "
                "through a scene with no return node, so it never unwinds",
                node.id,
            )


def _cycle(me: int | None, scenes: Mapping[int, SceneFacts]) -> set[int]:
    """The scenes on call cycles through this one: reachable from it, and reaching it."""
    if me is None:
        return set()
    forward = _reach(scenes[me].calls, scenes)
    if me not in forward:
        return set()
    callers: dict[int, set[int]] = {}
    for s in forward:
        for callee in scenes[s].calls if s in scenes else ():
            callers.setdefault(callee, set()).add(s)
    backward = {me}
    queue = deque([me])
    while queue:
        for caller in callers.get(queue.popleft(), ()):
            if caller not in backward:
                backward.add(caller)
                queue.append(caller)
    return forward & backward


def _reach(starts: frozenset[int], scenes: Mapping[int, SceneFacts]) -> set[int]:
    seen = set(starts)
    queue = deque(starts)
    while queue:
        here = scenes.get(queue.popleft())
        for callee in here.calls if here else ():
            if callee not in seen:
                seen.add(callee)
                queue.append(callee)
    return seen
