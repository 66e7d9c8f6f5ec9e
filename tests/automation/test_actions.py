"""The action schema: what a preset may hold, and what it may not."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from pixsim7.automation import actions, variables
from pixsim7.automation.actions import Action


def _one(raw: dict[str, object]) -> Action:
    return TypeAdapter(Action).validate_python(raw)


def test_every_kind_parses_and_round_trips() -> None:
    raw = [
        {"type": "wait", "seconds": 1.5},
        {"type": "launch_app", "package": "com.pixverse.app"},
        {"type": "stop_app", "package": "com.pixverse.app"},
        {"type": "tap", "x": 10, "y": 20},
        {"type": "tap", "element": {"resource_id": "login", "index": 1}},
        {"type": "type_text", "text": "{email}", "element": {"text": "Email"}},
        {"type": "key", "key": "back"},
        {"type": "swipe", "x1": 1, "y1": 2, "x2": 3, "y2": 4, "duration_ms": 200},
        {"type": "screenshot", "label": "done"},
        {"type": "wait_for_element", "element": {"content_desc": "Home"}, "timeout_s": 5},
        {
            "type": "if_element",
            "element": {"text": "Claim", "contains": True},
            "actions": [{"type": "tap", "element": {"text": "Claim"}}],
        },
        {"type": "if_not_element", "element": {"text": "Home"}, "actions": []},
        {"type": "repeat", "count": 3, "delay_s": 0.5, "actions": [{"type": "key", "key": "back"}]},
        {"type": "assert_element", "element": {"text": "Welcome"}, "message": "not logged in"},
    ]
    parsed = actions.parse(raw)
    assert [a.type for a in parsed] == [r["type"] for r in raw]
    again = actions.parse(actions.dump(parsed))
    assert again == parsed
    assert actions.count(parsed) == len(raw) + 2


@pytest.mark.parametrize(
    "raw",
    [
        {"type": "tap"},  # no target
        {"type": "tap", "x": 1},  # half a coordinate
        {"type": "tap", "x": 1, "y": 2, "element": {"text": "a"}},  # both
        {"type": "tap", "element": {}},  # an element with nothing to find it by
        {"type": "tap", "x": -1, "y": 0},
        {"type": "wait", "seconds": 1e9},
        {"type": "launch_app", "package": "not a package"},
        {"type": "key", "key": "jump"},
        {"type": "repeat", "actions": []},  # neither count nor until_element
        {"type": "type_text", "text": ""},
        {"type": "teleport"},
        {"type": "wait", "seconds": 1, "extra": True},
        {"type": "screenshot", "label": "a\x00b"},
    ],
)
def test_bad_actions_are_refused(raw: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        _one(raw)


def test_nesting_and_size_are_bounded() -> None:
    inner: dict[str, object] = {"type": "wait", "seconds": 0}
    for _ in range(actions.MAX_DEPTH):
        inner = {"type": "if_element", "element": {"text": "x"}, "actions": [inner]}
    with pytest.raises(ValueError, match="nest"):
        actions.count(actions.parse([inner]))
    many = [{"type": "wait", "seconds": 0}] * 300
    block = {"type": "repeat", "count": 1, "actions": many}
    with pytest.raises(ValueError, match="at most"):
        actions.count(actions.parse([block, block]))


def test_the_schema_names_every_kind() -> None:
    schema = actions.action_schema()
    kinds = set(schema["discriminator"]["mapping"])
    assert kinds == {
        "wait",
        "launch_app",
        "stop_app",
        "tap",
        "type_text",
        "key",
        "swipe",
        "screenshot",
        "wait_for_element",
        "if_element",
        "if_not_element",
        "repeat",
        "assert_element",
    }
    assert "Element" in schema["$defs"]


def test_variables_are_substituted_and_masked() -> None:
    assert variables.names("{email} and {{literal}} {pin}") == {"email", "pin"}
    assert variables.substitute("{email}/{password}", {"email": "a@b", "password": "pw"}) == (
        "a@b/pw"
    )
    with pytest.raises(variables.MissingVariable):
        variables.substitute("{nope}", {})
    for bad in ("{", "{a.b}", "{0}", "{a!r}", "{a:>3}"):
        with pytest.raises(ValueError):
            variables.names(bad)
    secrets = variables.Secrets.of(["hunter2", None, "hunter2-long", ""])
    assert secrets.mask("typed hunter2-long then hunter2") == "typed *** then ***"
    used = actions.variables_used(
        actions.parse(
            [
                {
                    "type": "if_element",
                    "element": {"text": "x"},
                    "actions": [{"type": "type_text", "text": "{password}"}],
                }
            ]
        )
    )
    assert used == {"password"}
