"""What the golden traces play: bundles, seeds and inputs (see scene_goldens.py)."""

from __future__ import annotations

from typing import Any

J = dict[str, Any]


def scene(id: int, start: str | None, nodes: list[J], edges: list[J], **flags: Any) -> J:
    return {
        "id": id,
        "title": f"Scene {id}",
        "start": start,
        "flags": flags,
        "nodes": nodes,
        "edges": edges,
    }


def bundle(*scenes: J) -> J:
    return {"format": "pixsim7.scene/1", "root": scenes[0]["id"], "scenes": list(scenes)}


def video(id: str, *assets: int | J, selection: J | None = None, playback: J | None = None) -> J:
    media = [a if isinstance(a, dict) else {"asset_id": a} for a in assets]
    node: J = {"id": id, "type": "video", "media": media}
    if selection:
        node["selection"] = selection
    if playback:
        node["playback"] = playback
    return node


def node(id: str, type: str, **fields: Any) -> J:
    return {"id": id, "type": type, **fields}


def edge(id: str, src: str, to: str, **fields: Any) -> J:
    return {"id": id, "from": src, "to": to, **fields}


def cond(flag: str, op: str, value: Any) -> J:
    return {"flag": flag, "op": op, "value": value}


def eff(flag: str, op: str, *value: Any) -> J:
    return {"flag": flag, "op": op, **({"value": value[0]} if value else {})}


SEG = {"kind": "segment_end"}
TIMEOUT = {"kind": "timeout"}
BACK = {"kind": "back"}


def pick(edge_id: str) -> J:
    return {"kind": "choice", "edge": edge_id}


def game(result: J) -> J:
    return {"kind": "mini_game", "result": result}


REFLEX = {
    "rounds": 3,
    "min_delay_ms": 500,
    "max_delay_ms": 2500,
    "window_ms": 400,
    "success_ratio": 0.66,
}
MEMORY = {"length": 4, "symbols": ["red", "green", "blue", "yellow"], "show_ms": 600}

CASES: dict[str, J] = {}

CASES["01-linear-video"] = {
    "name": "linear video",
    "description": "An ordered playlist of two entries, then a second video, then a success end; "
    "inputs that are not expected are refused and change nothing.",
    "seed": 1,
    "bundle": bundle(
        scene(
            1,
            "a",
            [
                video("a", {"asset_id": 11, "start": 0, "end": 2.5}, 12),
                video("b", 13),
                node("win", "end", outcome="success", message="The end."),
            ],
            [edge("a-b", "a", "b"), edge("b-win", "b", "win")],
        ),
    ),
    "inputs": [
        pick("a-b"),
        TIMEOUT,
        BACK,
        {"kind": "segment_end", "extra": 1},
        {"kind": "jump"},
        SEG,
        SEG,
        SEG,
        SEG,
    ],
}

CASES["02-choice-timeout"] = {
    "name": "choice with timeout",
    "description": "A timed choice: a closed option and an unknown one are refused, the timeout "
    "takes the default edge; at a second timed choice the only default is closed, so the "
    "timeout takes the first open edge; a choice without timeout refuses a timeout.",
    "seed": 2,
    "bundle": bundle(
        scene(
            1,
            "ask",
            [
                node("ask", "choice", prompt="Left or right?", timeout={"seconds": 5}),
                node("again", "choice", prompt="Once more?", timeout={"seconds": 2.5}),
                node("last", "choice", prompt="Last one"),
                node("left", "end", outcome="neutral", message="left"),
                node("right", "end", outcome="failure", message="right"),
            ],
            [
                edge("go-left", "ask", "again", label="Left", effects=[eff("side", "set", "left")]),
                edge("secret", "ask", "left", label="Secret", conditions=[cond("key", "eq", True)]),
                edge(
                    "go-right",
                    "ask",
                    "again",
                    label="Right",
                    is_default=True,
                    effects=[eff("side", "set", "right")],
                ),
                edge(
                    "yes",
                    "again",
                    "left",
                    label="Yes",
                    is_default=True,
                    conditions=[cond("side", "eq", "left")],
                ),
                edge("no", "again", "last", label="No"),
                edge("maybe", "again", "last", label="Maybe"),
                edge("fin", "last", "right", label="Finish"),
            ],
            key=False,
        ),
    ),
    "inputs": [pick("secret"), pick("nope"), TIMEOUT, pick("yes"), TIMEOUT, TIMEOUT, pick("fin")],
}

CASES["03-operators-effects"] = {
    "name": "every operator and effect",
    "description": "Effects set, inc, dec, push, toggle on edges; condition nodes with eq, neq, "
    "gt, lt, gte, lte, includes, each going its true or false way; edge conditions on a choice "
    "that all must hold; wrong types compare false; inc of a string starts from 0.",
    "seed": 3,
    "bundle": bundle(
        scene(
            1,
            "menu",
            [
                node("menu", "choice"),
                node("c-eq", "condition", flag="name", op="eq", value="ann"),
                node("c-neq", "condition", flag="gold", op="neq", value=5),
                node("c-gt", "condition", flag="gold", op="gt", value=4),
                node("c-lt", "condition", flag="gold", op="lt", value=5),
                node("c-gte", "condition", flag="gold", op="gte", value=5),
                node("c-lte", "condition", flag="gold", op="lte", value=4),
                node("c-inc", "condition", flag="bag", op="includes", value="rope"),
                node("c-type", "condition", flag="name", op="gt", value=1),
                node("shop", "choice"),
                node("good", "end", outcome="success"),
                node("bad", "end", outcome="failure"),
            ],
            [
                edge(
                    "start",
                    "menu",
                    "c-eq",
                    label="Begin",
                    effects=[
                        eff("gold", "inc", 3),
                        eff("gold", "inc"),
                        eff("gold", "dec"),
                        eff("gold", "inc", 2),
                        eff("bag", "push", "rope"),
                        eff("bag", "push", 7),
                        eff("lamp", "toggle"),
                        eff("lamp", "toggle"),
                        eff("lamp", "toggle"),
                        eff("name", "set", "ann"),
                        eff("tags", "set", ["a", 1, True]),
                        eff("count", "set", "x"),
                        eff("count", "inc", 2),
                    ],
                ),
                edge("eq-t", "c-eq", "c-neq", port="true"),
                edge("eq-f", "c-eq", "bad", port="false"),
                edge("neq-t", "c-neq", "bad", port="true"),
                edge("neq-f", "c-neq", "c-gt", port="false"),
                edge("gt-t", "c-gt", "c-lt", port="true"),
                edge("gt-f", "c-gt", "bad", port="false"),
                edge("lt-t", "c-lt", "bad", port="true"),
                edge("lt-f", "c-lt", "c-gte", port="false"),
                edge("gte-t", "c-gte", "c-lte", port="true"),
                edge("gte-f", "c-gte", "bad", port="false"),
                edge("lte-t", "c-lte", "bad", port="true"),
                edge("lte-f", "c-lte", "c-inc", port="false"),
                edge("inc-t", "c-inc", "c-type", port="true"),
                edge("inc-f", "c-inc", "bad", port="false"),
                edge("type-t", "c-type", "bad", port="true"),
                edge("type-f", "c-type", "shop", port="false"),
                edge(
                    "buy",
                    "shop",
                    "good",
                    label="Buy",
                    conditions=[
                        cond("gold", "gte", 5),
                        cond("bag", "includes", 7),
                        cond("lamp", "eq", True),
                        cond("tags", "eq", ["a", 1, True]),
                        cond("tags", "neq", ["a", 1, 1]),
                    ],
                ),
                edge(
                    "rich",
                    "shop",
                    "good",
                    label="Rich",
                    conditions=[cond("gold", "gte", 5), cond("gold", "gt", 100)],
                ),
                edge("strict", "shop", "good", label="Strict", conditions=[cond("lamp", "eq", 1)]),
                edge(
                    "leave",
                    "shop",
                    "bad",
                    label="Leave",
                    effects=[eff("gold", "dec", 10), eff("lamp", "toggle")],
                ),
            ],
            gold=0,
            lamp=False,
        ),
    ),
    "inputs": [pick("start"), pick("rich"), pick("strict"), pick("leave"), BACK, pick("buy")],
}

CASES["04-back"] = {
    "name": "back",
    "description": "Back returns to the previous decision with flags (and the PRNG) restored, "
    "also from an ended play; with no earlier decision it is refused. Choosing the same way "
    "again draws the same random clip.",
    "seed": 4,
    "bundle": bundle(
        scene(
            1,
            "v0",
            [
                video("v0", 40),
                node("c1", "choice", prompt="First"),
                node("c2", "choice", prompt="Second"),
                video("v3", 41, 42, 43, selection={"mode": "random"}),
                node("fin", "end", outcome="success"),
                node("fin2", "end", outcome="neutral", message="Y"),
            ],
            [
                edge("v0-c1", "v0", "c1"),
                edge(
                    "A",
                    "c1",
                    "c2",
                    label="A",
                    effects=[eff("score", "inc"), eff("path", "push", "A")],
                ),
                edge(
                    "B",
                    "c1",
                    "c2",
                    label="B",
                    effects=[eff("score", "inc", 10), eff("path", "push", "B")],
                ),
                edge("X", "c2", "v3", label="X"),
                edge("Y", "c2", "fin2", label="Y", effects=[eff("score", "inc", 100)]),
                edge("v3-fin", "v3", "fin"),
            ],
            score=0,
            path=[],
        ),
    ),
    "inputs": [
        SEG,
        pick("A"),
        pick("X"),
        BACK,
        pick("X"),
        BACK,
        BACK,
        BACK,
        pick("B"),
        pick("Y"),
        BACK,
        pick("X"),
        SEG,
    ],
}

CASES["05-scene-call"] = {
    "name": "scene call and return",
    "description": "A call binds a flag and a value into the callee's declared flags; a nested "
    "call returns into the middle scene; a return port with no edge at the caller falls back "
    "to its port-less edge; returns map values into the caller's flags, names not returned "
    "stay unset; back re-enters the callee with its frame.",
    "seed": 5,
    "bundle": bundle(
        scene(
            1,
            "intro",
            [
                video("intro", 50),
                node(
                    "shop",
                    "scene_call",
                    scene=2,
                    bindings={"budget": {"flag": "gold"}, "mood": {"value": "happy"}},
                    returns={"gold": "left", "item": "bought", "mood": "mood_after"},
                ),
                node("end-sword", "end", outcome="success", message="sword"),
                node("end-walk", "end", outcome="neutral", message="walked"),
            ],
            [
                edge("intro-shop", "intro", "shop"),
                edge("bought", "shop", "end-sword", port="bought"),
                edge("other", "shop", "end-walk"),
            ],
            gold=10,
        ),
        scene(
            2,
            "counter",
            [
                node("counter", "choice", prompt="Shop"),
                node("deep", "scene_call", scene=3, returns={"mood": "mood"}),
                node(
                    "ret-buy",
                    "return",
                    port="bought",
                    values={"left": {"flag": "budget"}, "bought": {"value": "sword"}},
                ),
                node(
                    "ret-none",
                    "return",
                    port="walked",
                    values={"left": {"flag": "budget"}, "mood_after": {"flag": "mood"}},
                ),
            ],
            [
                edge(
                    "buy",
                    "counter",
                    "ret-buy",
                    label="Buy the sword",
                    conditions=[cond("budget", "gte", 5)],
                    effects=[eff("budget", "dec", 5)],
                ),
                edge("browse", "counter", "deep", label="Browse the back room"),
                edge("nothing", "counter", "ret-none", label="Leave"),
                edge("deep-out", "deep", "ret-none"),
            ],
            budget=0,
            mood="sad",
        ),
        scene(
            3,
            "inner",
            [
                video("inner", 51),
                node("inner-ret", "return", values={"mood": {"value": "calm"}}),
            ],
            [edge("inner-out", "inner", "inner-ret")],
        ),
    ),
    "inputs": [SEG, pick("browse"), SEG, BACK, pick("buy")],
}

CASES["06-random-pool"] = {
    "name": "random and pool selection",
    "description": "Random selection skips missing media; pool selection draws count entries "
    "by tags without replacement; a pool with fewer matches plays those; an empty pool "
    "passes the node; an ordered playlist leaves unset media out.",
    "seed": 12345,
    "bundle": bundle(
        scene(
            1,
            "r",
            [
                video(
                    "r",
                    60,
                    {"asset_id": None, "missing": True},
                    61,
                    62,
                    selection={"mode": "random"},
                ),
                video(
                    "p",
                    {"asset_id": 63, "tags": ["night"]},
                    {"asset_id": 64, "tags": ["day"]},
                    {"asset_id": 65, "tags": ["night", "rain"]},
                    {"asset_id": 66, "tags": []},
                    {"asset_id": 67, "tags": ["night"]},
                    selection={"mode": "pool", "tags": ["night"], "count": 2},
                ),
                video(
                    "p2",
                    {"asset_id": 63, "tags": ["night"]},
                    {"asset_id": 65, "tags": ["rain", "night"]},
                    selection={"mode": "pool", "tags": ["night", "rain"], "count": 3},
                ),
                video(
                    "empty",
                    {"asset_id": 63, "tags": ["night"]},
                    selection={"mode": "pool", "tags": ["none"]},
                ),
                video("o", {"asset_id": None}, 68),
                node("fin", "end", outcome="success"),
            ],
            [
                edge("r-p", "r", "p"),
                edge("p-p2", "p", "p2"),
                edge("p2-empty", "p2", "empty"),
                edge("empty-o", "empty", "o"),
                edge("o-fin", "o", "fin"),
            ],
        ),
    ),
    "inputs": [SEG, SEG, SEG, SEG, SEG],
}

CASES["07-progression-gate"] = {
    "name": "progression gated by a mini-game",
    "description": "Labelled steps on one clip; the second step is gated by a reflex game: a "
    "lost game replays the current step and draws a new plan at the next gate, a malformed "
    "result is refused, a won game enters the step; the last step leaves the node.",
    "seed": 7,
    "bundle": bundle(
        scene(
            1,
            "climb",
            [
                video(
                    "climb",
                    70,
                    71,
                    playback={
                        "mode": "progression",
                        "steps": [
                            {"label": "Base", "start": 0, "end": 3},
                            {
                                "label": "Wall",
                                "start": 3,
                                "end": 6,
                                "gate": {"game": "reflex", "config": REFLEX},
                            },
                            {"label": "Top", "start": 6, "end": 9},
                        ],
                    },
                ),
                node("top", "end", outcome="success", message="summit"),
            ],
            [edge("climb-top", "climb", "top")],
        ),
    ),
    "inputs": [
        SEG,
        SEG,
        game({"reaction_ms": [None, None, None]}),
        SEG,
        game({"reaction_ms": [100, 200]}),
        game({"reaction_ms": [100, 200, None]}),
        SEG,
        SEG,
    ],
}

CASES["08-mini-games"] = {
    "name": "reflex and memory mini-games",
    "description": "A reflex game lost (a reaction over the window counts as a miss), its score "
    "in score_flag, the failure port to a retry choice; malformed results refused (a boolean "
    "is not a time, a symbol index out of range); a new plan on the second try; won; then a "
    "memory game won with the drawn sequence.",
    "seed": 8,
    "bundle": bundle(
        scene(
            1,
            "duel",
            [
                node("duel", "mini_game", game="reflex", config=REFLEX, score_flag="hits"),
                node("retry", "choice", prompt="Try again?"),
                node("mem", "mini_game", game="memory", config=MEMORY, score_flag="mem_score"),
                node("win", "end", outcome="success"),
                node("lose", "end", outcome="failure"),
            ],
            [
                edge("duel-won", "duel", "mem", port="success"),
                edge("duel-lost", "duel", "retry", port="failure"),
                edge("again", "retry", "duel", label="Again"),
                edge("give-up", "retry", "lose", label="Give up"),
                edge("mem-won", "mem", "win", port="success"),
                edge("mem-lost", "mem", "lose", port="failure"),
            ],
        ),
    ),
    "inputs": [
        game({"reaction_ms": [401, None, 0]}),
        pick("again"),
        game({"reaction_ms": [True, 1, 2]}),
        game({"entered": [0]}),
        game({"reaction_ms": [0, 400, 10]}),
        game({"entered": [9]}),
        game({"entered": [3, 2, 3, 1]}),
    ],
}

CASES["09-loop-and-stuck"] = {
    "name": "loop playback and stuck plays",
    "description": "An intro then a looping clip whose options appear when the loop starts (no "
    "segment_end or timeout while looping); a condition with no edge for its result, a choice "
    "whose options are all closed and a condition that loops on itself end the play as "
    "stuck; back leaves each; the default option ends the play.",
    "seed": 9,
    "bundle": bundle(
        scene(
            1,
            "idle",
            [
                video("idle", 80, 81, playback={"mode": "loop", "start": 1, "end": 3}),
                node("check", "condition", flag="waved", op="eq", value=True),
                node("closed", "choice"),
                node("spin", "condition", flag="waved", op="eq", value=None),
                node("bye", "end", outcome="neutral", message="bye"),
            ],
            [
                edge("wave", "idle", "check", label="Wave", effects=[eff("waved", "set", True)]),
                edge("shy", "idle", "closed", label="Be shy"),
                edge("spin-go", "idle", "spin", label="Spin"),
                edge("leave", "idle", "bye", label="Leave", is_default=True),
                edge("check-no", "check", "bye", port="false"),
                edge("never", "closed", "bye", conditions=[cond("waved", "eq", True)]),
                edge("spin-loop", "spin", "spin", port="true"),
            ],
        ),
    ),
    "inputs": [
        pick("wave"),
        SEG,
        SEG,
        TIMEOUT,
        pick("wave"),
        BACK,
        pick("shy"),
        BACK,
        pick("spin-go"),
        BACK,
        pick("leave"),
    ],
}

CASES["10-recursion"] = {
    "name": "recursive scene call",
    "description": "A scene calls itself until a counter reaches 3 (four frames deep), each "
    "return passes the counter up; a return port no caller edge has falls back to the "
    "port-less edge; the stack unwinds to empty.",
    "seed": 10,
    "bundle": bundle(
        scene(
            1,
            "go",
            [
                node(
                    "go",
                    "scene_call",
                    scene=2,
                    bindings={"depth": {"value": 0}},
                    returns={"depth": "depth"},
                ),
                node("fin", "end", outcome="success", message="back at the top"),
            ],
            [edge("go-fin", "go", "fin")],
            depth=-1,
        ),
        scene(
            2,
            "check",
            [
                node("check", "condition", flag="depth", op="lt", value=3),
                node(
                    "again",
                    "scene_call",
                    scene=2,
                    bindings={"depth": {"flag": "depth"}},
                    returns={"depth": "depth"},
                ),
                video("bottom", 90),
                node("up", "return", values={"depth": {"flag": "depth"}}),
                node("up-deep", "return", port="deep", values={"depth": {"flag": "depth"}}),
            ],
            [
                edge("down", "check", "again", port="true", effects=[eff("depth", "inc")]),
                edge("floor", "check", "bottom", port="false"),
                edge("again-up", "again", "up"),
                edge("bottom-up", "bottom", "up-deep"),
            ],
            depth=0,
        ),
    ),
    "inputs": [SEG],
}

CASES["11-stack-and-missing"] = {
    "name": "stack overflow, missing scene, return at the root",
    "description": "A scene that calls itself at once stops at 16 frames (stack_overflow); a "
    "call to a scene the bundle lacks is unknown_scene; a return with an empty stack ends "
    "the play as neutral.",
    "seed": 11,
    "bundle": bundle(
        scene(
            1,
            "menu",
            [
                node("menu", "choice"),
                node("dive", "scene_call", scene=2),
                node("ghost", "scene_call", scene=99),
                node("quit", "return", values={"x": {"value": 1}}),
            ],
            [
                edge("to-dive", "menu", "dive", label="Dive"),
                edge("to-ghost", "menu", "ghost", label="Ghost"),
                edge("to-quit", "menu", "quit", label="Quit"),
                edge("dive-out", "dive", "menu"),
                edge("ghost-out", "ghost", "menu"),
            ],
        ),
        scene(2, "self", [node("self", "scene_call", scene=2)], [edge("self-out", "self", "self")]),
    ),
    "inputs": [pick("to-dive"), BACK, pick("to-ghost"), BACK, pick("to-quit")],
}

CASES["12-stuck-entering-a-call"] = {
    "name": "stuck entering a called scene",
    "description": "A call to a draft with no start, a call to a scene whose start names no "
    "node, and a call reached on the 1,000th move of one input (its callee's start would "
    "be the 1,001st) are each stuck on the call itself: the caller's scene, node and flags, the "
    "stack as it was; back leaves each. One move fewer, the call enters its callee's start on "
    "the 1,000th move and plays on to its end.",
    "seed": 12,
    "bundle": bundle(
        scene(
            1,
            "menu",
            [
                node("menu", "choice"),
                node("draft-call", "scene_call", scene=2),
                node("lost-call", "scene_call", scene=3),
                node("spin", "condition", flag="n", op="lt", value=998),
                node("spin-less", "condition", flag="n", op="lt", value=997),
                node("far-call", "scene_call", scene=4, bindings={"m": {"flag": "n"}}),
            ],
            [
                edge("to-draft", "menu", "draft-call", label="Draft"),
                edge("to-lost", "menu", "lost-call", label="Lost"),
                edge("to-spin", "menu", "spin", label="Spin"),
                edge("to-spin-less", "menu", "spin-less", label="Spin less"),
                edge("draft-out", "draft-call", "menu"),
                edge("lost-out", "lost-call", "menu"),
                edge("again", "spin", "spin", port="true", effects=[eff("n", "inc")]),
                edge("spun", "spin", "far-call", port="false"),
                edge("tick", "spin-less", "spin-less", port="true", effects=[eff("n", "inc")]),
                edge("spun-less", "spin-less", "far-call", port="false"),
                edge("far-out", "far-call", "menu"),
            ],
            n=0,
        ),
        scene(2, None, [], []),
        scene(3, "gone", [node("here", "end", outcome="success")], []),
        scene(4, "far", [node("far", "end", outcome="success")], [], m=0),
    ),
    "inputs": [
        pick("to-draft"),
        BACK,
        pick("to-lost"),
        BACK,
        pick("to-spin"),
        BACK,
        pick("to-spin-less"),
    ],
}
