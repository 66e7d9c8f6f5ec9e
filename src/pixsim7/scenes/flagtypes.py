"""Flag checks of a scene graph: every use of a flag agrees on its type, and every flag that
is read is set somewhere (by a declaration, an effect, a score or a return).

A flag's type is that of its declared value, else of the first write (edges in order),
else of the first read; uses of another type are reported where they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pixsim7.scenes.format import Effect, Graph

P = TypeVar("P")
Make = Callable[[str, str, str | None, str | None], P]
EFFECT_TYPES = {"inc": "integer", "dec": "integer", "push": "list", "toggle": "boolean"}
ORDER_OPS = {"gt", "lt", "gte", "lte"}


@dataclass
class _Use:
    flag: str
    type: str | None
    writes: bool
    node: str | None = None
    edge: str | None = None
    what: str = ""
    declared: bool = False
    bad_value: str | None = None  # an order comparison with a value that is no integer


def type_of(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    return "list" if isinstance(value, list) else "string"


def check(graph: Graph, make: Make[P]) -> list[P]:
    uses = list(_uses(graph))
    problems: list[P] = []
    written = {u.flag for u in uses if u.writes}
    reported: set[str] = set()
    for use in uses:
        if not use.writes and use.flag not in written and use.flag not in reported:
            reported.add(use.flag)
            problems.append(
                make("flag_never_set", f"{use.flag} is read but never set", use.node, use.edge)
            )
    expected: dict[str, str] = {}
    for use in sorted(uses, key=lambda u: (not u.declared, not u.writes)):
        if use.bad_value:
            problems.append(
                make(
                    "flag_type_mismatch",
                    f"{use.what} compares integers, not a {use.bad_value}",
                    use.node,
                    use.edge,
                )
            )
        if use.type is None:
            continue
        want = expected.setdefault(use.flag, use.type)
        if use.type != want:
            problems.append(
                make(
                    "flag_type_mismatch",
                    f"{use.what} treats {use.flag} as {use.type}, elsewhere it is {want}",
                    use.node,
                    use.edge,
                )
            )
    return problems


def _uses(graph: Graph) -> Any:
    for name, value in graph.flags.items():
        yield _Use(name, type_of(value), True, what="the declaration", declared=True)
    for edge in graph.edges:
        for effect in edge.effects:
            yield _effect(effect, edge.id)
        for c in edge.conditions:
            yield _condition(c.flag, c.op, c.value, None, edge.id)
    for node in graph.nodes:
        if node.type == "condition":
            yield _condition(node.flag, node.op, node.value, node.id, None)
        elif node.type == "mini_game" and node.score_flag:
            yield _Use(node.score_flag, "integer", True, node.id, what="the score")
        elif node.type == "scene_call":
            for expr in node.bindings.values():
                if hasattr(expr, "flag"):
                    yield _Use(expr.flag, None, False, node.id, what="a binding")
            for flag in node.returns:
                yield _Use(flag, None, True, node.id, what="a returned value")
        elif node.type == "return":
            for expr in node.values.values():
                if hasattr(expr, "flag"):
                    yield _Use(expr.flag, None, False, node.id, what="a returned value")


def _effect(effect: Effect, edge: str) -> _Use:
    kind = type_of(effect.value) if effect.op == "set" else EFFECT_TYPES[effect.op]
    return _Use(effect.flag, kind, True, edge=edge, what=f"{effect.op}")


def _condition(flag: str, op: str, value: Any, node: str | None, edge: str | None) -> _Use:
    if op in ORDER_OPS:
        given = type_of(value)
        bad = given if given != "integer" else None
        return _Use(flag, "integer", False, node, edge, what=op, bad_value=bad)
    kind = "list" if op == "includes" else type_of(value)
    return _Use(flag, kind, False, node, edge, what=op)
