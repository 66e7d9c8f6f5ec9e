"""Flag rules: strict equality, the condition operators and the effects (docs/scenes.md §2).

Values are JSON values; Python's `True == 1` is exactly what must not happen here, because
the TypeScript engine compares with `===`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

MAX_INT = 2**53 - 1
MAX_LIST = 1_000


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def same(a: Any, b: Any) -> bool:
    """Strict equality of JSON values: same type, same value; lists item by item."""
    if isinstance(a, list) or isinstance(b, list):
        return (
            isinstance(a, list)
            and isinstance(b, list)
            and len(a) == len(b)
            and all(same(x, y) for x, y in zip(a, b, strict=True))
        )
    if isinstance(a, bool) or isinstance(b, bool) or a is None or b is None:
        return a is b
    return type(a) is type(b) and a == b


def holds(flag: Any, op: str, value: Any) -> bool:
    """Whether `flag op value` holds; operators on the wrong types are simply false."""
    if op == "eq":
        return same(flag, value)
    if op == "neq":
        return not same(flag, value)
    if op == "includes":
        return isinstance(flag, list) and any(same(item, value) for item in flag)
    if not (is_int(flag) and is_int(value)):
        return False
    if op == "gt":
        return bool(flag > value)
    if op == "lt":
        return bool(flag < value)
    if op == "gte":
        return bool(flag >= value)
    if op == "lte":
        return bool(flag <= value)
    raise ValueError(f"unknown condition operator {op!r}")


def all_hold(flags: Mapping[str, Any], conditions: list[dict[str, Any]]) -> bool:
    return all(holds(flags.get(c["flag"]), c["op"], c["value"]) for c in conditions)


def apply(flags: dict[str, Any], effect: Mapping[str, Any]) -> None:
    """One effect, in place."""
    name, op = effect["flag"], effect["op"]
    value: Any = effect.get("value")
    current: Any = flags.get(name)
    if op == "set":
        flags[name] = copy.deepcopy(value)
    elif op in ("inc", "dec"):
        base = int(current) if is_int(current) else 0
        step = int(value) if is_int(value) else 1
        result = base + step if op == "inc" else base - step
        flags[name] = max(-MAX_INT, min(MAX_INT, result))
    elif op == "push":
        items = list(current) if isinstance(current, list) else []
        if len(items) < MAX_LIST:
            flags[name] = [*items, copy.deepcopy(value)]
    elif op == "toggle":
        flags[name] = current is not True
    else:
        raise ValueError(f"unknown effect operator {op!r}")


def evaluate(expr: Mapping[str, Any], flags: Mapping[str, Any]) -> Any:
    """An expression: `{"flag": name}` reads a flag (null when unset), `{"value": v}` is v."""
    if "flag" in expr:
        return copy.deepcopy(flags.get(expr["flag"]))
    return copy.deepcopy(expr["value"])
