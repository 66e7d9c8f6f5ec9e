"""One `start` or `advance` at work: entering nodes, moving along edges, taking inputs.

`engine.py` is the public face; this is the machinery, run on a private copy of the state
(docs/scenes.md §3 says what each step does, in the order done here).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pixsim7.scenes import flags as rules
from pixsim7.scenes import games
from pixsim7.scenes.prng import Draws

MAX_STACK = 16
MAX_MOVES = 1_000
MAX_HISTORY = 50

State = dict[str, Any]


class InvalidInput(ValueError):
    """An input the state does not accept; `code` is one of docs/scenes.md §4's."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Scene:
    doc: dict[str, Any]
    nodes: dict[str, dict[str, Any]]
    out: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


@dataclass
class Loaded:
    """A bundle indexed for play: scenes by id, nodes by id, outgoing edges in order."""

    root: int
    scenes: dict[int, Scene]


class Run:
    """One start or advance at work on its own copy of the state."""

    def __init__(self, bundle: Loaded, state: State) -> None:
        self.bundle = bundle
        self.st = state
        self.draws = Draws(state["rng"])
        self.moves = 0

    def done(self) -> State:
        self.st["rng"] = self.draws.state
        return self.st

    def scene(self) -> Scene | None:
        return self.bundle.scenes.get(self.st["scene"])

    def node(self) -> dict[str, Any]:
        scene = self.scene()
        assert scene is not None and self.st["node"] in scene.nodes
        return scene.nodes[self.st["node"]]

    # Edges

    def open_edges(self, node: Mapping[str, Any], port: Any = ...) -> list[dict[str, Any]]:
        scene = self.scene()
        edges = scene.out.get(node["id"], []) if scene else []
        flags = self.st["flags"]
        return [
            e
            for e in edges
            if (port is ... or e["port"] == port) and rules.all_hold(flags, e["conditions"])
        ]

    def pick(self, node: Mapping[str, Any], port: str | None) -> dict[str, Any] | None:
        """The automatic move through `port`: first open non-default edge, else first default."""
        candidates = self.open_edges(node, port)
        return next((e for e in candidates if not e["is_default"]), None) or next(
            iter(candidates), None
        )

    @staticmethod
    def timeout_edge(offered: list[dict[str, Any]]) -> dict[str, Any] | None:
        return next((e for e in offered if e["is_default"]), None) or next(iter(offered), None)

    def move(self, edge: Mapping[str, Any]) -> str:
        """Take an edge: its effects, in order; the target is entered by the caller."""
        for effect in edge["effects"]:
            rules.apply(self.st["flags"], effect)
        target: str = edge["to"]
        return target

    def leave(self, node: Mapping[str, Any], port: str | None) -> str | None:
        edge = self.pick(node, port)
        if edge is None:
            self.stuck("no_edge")
            return None
        return self.move(edge)

    def go(self, target: str | None) -> None:
        if target is not None:
            self.enter(target)

    # Entering nodes: each `_enter_*` waits or ends (None) or names the next node to enter.

    def enter(self, node_id: str | None) -> None:
        """Enter nodes until one waits or the play ends (a loop: chains can be long)."""
        target = node_id
        while True:
            self.moves += 1
            scene = self.scene()
            if self.moves > MAX_MOVES:
                return self.stuck("too_many_moves")
            if scene is None or target not in scene.nodes:
                return self.stuck("unknown_node")
            node = scene.nodes[target]
            self.st.update(node=target, video=None, game=None)
            target = getattr(self, "_enter_" + node["type"])(node)
            if target is None:
                return None

    def _enter_video(self, node: dict[str, Any]) -> str | None:
        playlist = self.select(node)
        if not playlist:
            return self.leave(node, None)
        mode = node["playback"]["mode"]
        self.st["video"] = {
            "playlist": playlist,
            "index": 0,
            "step": 0 if mode == "progression" else None,
        }
        if mode == "loop" and len(playlist) == 1:
            self.wait_choice(node)
        else:
            self.st["phase"] = "segment"
        return None

    def _enter_choice(self, node: dict[str, Any]) -> None:
        self.wait_choice(node)

    def _enter_condition(self, node: dict[str, Any]) -> str | None:
        ok = rules.holds(self.st["flags"].get(node["flag"]), node["op"], node["value"])
        return self.leave(node, "true" if ok else "false")

    def _enter_mini_game(self, node: dict[str, Any]) -> None:
        self.start_game(node["game"], node["config"], gate=None)

    def _enter_end(self, node: dict[str, Any]) -> None:
        self.finish(node["id"], node["outcome"], node["message"])

    def _enter_scene_call(self, node: dict[str, Any]) -> str | None:
        callee = self.bundle.scenes.get(node["scene"]) if node["scene"] is not None else None
        if callee is None:
            self.stuck("unknown_scene")
            return None
        if len(self.st["stack"]) >= MAX_STACK:
            self.stuck("stack_overflow")
            return None
        start: str | None = callee.doc["start"]
        # Entering the callee's start is checked here, before the switch, as `enter` would
        # check it after: a play stuck there stands on the call, in the caller's scene.
        if self.moves >= MAX_MOVES:
            self.stuck("too_many_moves")
            return None
        if start not in callee.nodes:
            self.stuck("unknown_node")
            return None
        inner = copy.deepcopy(callee.doc["flags"])
        for name, expr in node["bindings"].items():
            inner[name] = rules.evaluate(expr, self.st["flags"])
        frame = {"scene": self.st["scene"], "node": node["id"], "flags": self.st["flags"]}
        self.st["stack"].append(frame)
        self.st.update(scene=callee.doc["id"], flags=inner)
        return start

    def _enter_return(self, node: dict[str, Any]) -> str | None:
        values = {name: rules.evaluate(e, self.st["flags"]) for name, e in node["values"].items()}
        if not self.st["stack"]:
            self.finish(node["id"], "neutral", None)
            return None
        frame = self.st["stack"].pop()
        self.st.update(scene=frame["scene"], node=frame["node"], flags=frame["flags"])
        scene = self.scene()
        call = scene.nodes.get(frame["node"]) if scene else None
        if call is None:
            self.stuck("unknown_node")
            return None
        for flag, name in call["returns"].items():
            if name in values:
                self.st["flags"][flag] = copy.deepcopy(values[name])
        port = node["port"]
        if port is not None and self.pick(call, port) is not None:
            return self.leave(call, port)
        return self.leave(call, None)

    # Waiting

    def wait_choice(self, node: Mapping[str, Any]) -> None:
        if not self.open_edges(node):
            return self.stuck("no_option")
        self.st["phase"] = "choice"

    def start_game(self, game: str, config: dict[str, Any], *, gate: int | None) -> None:
        plan = games.plan(game, config, self.draws)
        self.st["game"] = {"game": game, "config": config, "plan": plan, "gate": gate}
        self.st["phase"] = "mini_game"

    def finish(self, node_id: str | None, outcome: str, message: str | None) -> None:
        self.st.update(phase="ended", video=None, game=None)
        self.st["end"] = {"node": node_id, "outcome": outcome, "message": message}

    def stuck(self, reason: str) -> None:
        self.finish(self.st["node"], "stuck", reason)

    # Inputs

    def select(self, node: Mapping[str, Any]) -> list[int]:
        candidates = [
            i for i, m in enumerate(node["media"]) if m["asset_id"] is not None and not m["missing"]
        ]
        selection = node["selection"]
        if selection["mode"] == "ordered" or not candidates:
            return candidates if selection["mode"] == "ordered" else []
        if selection["mode"] == "random":
            return [candidates[self.draws.below(len(candidates))]]
        wanted = set(selection["tags"])
        pool = [i for i in candidates if wanted <= set(node["media"][i]["tags"])]
        return self.draws.take(pool, selection["count"])

    def segment_end(self) -> None:
        node, video = self.node(), self.st["video"]
        if node["playback"]["mode"] == "progression":
            steps, step = node["playback"]["steps"], video["step"]
            if step + 1 >= len(steps):
                return self.go(self.leave(node, None))
            gate = steps[step + 1]["gate"]
            if gate is not None:
                return self.start_game(gate["game"], gate["config"], gate=step + 1)
            video["step"] = step + 1
            return None
        if video["index"] + 1 >= len(video["playlist"]):
            return self.go(self.leave(node, None))
        video["index"] += 1
        if node["playback"]["mode"] == "loop" and video["index"] == len(video["playlist"]) - 1:
            self.wait_choice(node)
        return None

    def mini_game(self, result: Any) -> None:
        game = self.st["game"]
        try:
            points, won = games.score(game, result)
        except games.BadResult as exc:
            raise InvalidInput("bad_result", str(exc)) from exc
        node = self.node()
        self.st.update(game=None, phase="segment")
        if game["gate"] is not None:
            if won:
                self.st["video"]["step"] = game["gate"]
            return
        if node["score_flag"] is not None:
            self.st["flags"][node["score_flag"]] = points
        self.go(self.leave(node, "success" if won else "failure"))

    def decide(self, edge_id: str | None) -> None:
        node = self.node()
        offered = self.open_edges(node)
        if edge_id is None:
            if node["type"] != "choice" or node["timeout"] is None:
                raise InvalidInput("no_timeout", "this choice has no timeout")
            edge = self.timeout_edge(offered)
        else:
            edge = next((e for e in offered if e["id"] == edge_id), None)
            if edge is None:
                raise InvalidInput("option_not_offered", f"{edge_id} is not an option now")
        self.remember()
        if edge is None:
            return self.stuck("no_option")
        self.enter(self.move(edge))

    def remember(self) -> None:
        snapshot = {k: copy.deepcopy(v) for k, v in self.st.items() if k != "history"}
        self.st["history"] = [*self.st["history"], snapshot][-MAX_HISTORY:]
