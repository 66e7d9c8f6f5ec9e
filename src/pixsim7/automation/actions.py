"""The typed action schema: what a preset is made of.

A preset is a list of actions, each a tagged object (``{"type": "tap", ...}``). The API
serves this schema (`action_schema`) so that the web app draws its forms from it; the
executor (`executor.py`) runs the same models. Blocks (`if_element`, `if_not_element`,
`repeat`) hold nested actions, at most `MAX_DEPTH` deep and `MAX_ACTIONS` in all.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from pixsim7.fields import Number, Text

MAX_ACTIONS = 500  # in one preset, nested ones included
MAX_DEPTH = 8
MAX_COORD = 20_000  # pixels; larger than any phone screen
PACKAGE_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)+$"
ACTIVITY_PATTERN = r"^[A-Za-z0-9_.$/]+$"

Coord = Annotated[int, Field(ge=0, le=MAX_COORD)]
Seconds = Annotated[Number, Field(ge=0, le=3600)]
Package = Annotated[str, Field(min_length=3, max_length=255, pattern=PACKAGE_PATTERN)]


class Key(StrEnum):
    BACK = "back"
    HOME = "home"
    ENTER = "enter"
    MENU = "menu"
    TAB = "tab"
    DELETE = "delete"
    APP_SWITCH = "app_switch"
    ESCAPE = "escape"
    POWER = "power"
    VOLUME_UP = "volume_up"
    VOLUME_DOWN = "volume_down"


# Android's KeyEvent codes, as `input keyevent` takes them.
KEYCODES: dict[Key, int] = {
    Key.HOME: 3,
    Key.BACK: 4,
    Key.VOLUME_UP: 24,
    Key.VOLUME_DOWN: 25,
    Key.POWER: 26,
    Key.TAB: 61,
    Key.ENTER: 66,
    Key.DELETE: 67,
    Key.MENU: 82,
    Key.ESCAPE: 111,
    Key.APP_SWITCH: 187,
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Element(_Model):
    """An element of the screen, found in the UI hierarchy dump by any of these (all given
    must match). `index` picks among several matches, in document order."""

    resource_id: Text | None = Field(default=None, max_length=255)
    text: Text | None = Field(default=None, max_length=255)
    content_desc: Text | None = Field(default=None, max_length=255)
    contains: bool = False  # text and content_desc match as substrings, case-insensitive
    index: int = Field(default=0, ge=0, le=100)

    @model_validator(mode="after")
    def _something(self) -> Element:
        if not (self.resource_id or self.text or self.content_desc):
            raise ValueError("give a resource_id, a text or a content_desc")
        return self

    def describe(self) -> str:
        parts = [
            f"{name}={value!r}"
            for name, value in (
                ("resource_id", self.resource_id),
                ("text", self.text),
                ("content_desc", self.content_desc),
            )
            if value
        ]
        return " ".join(parts) + (f" #{self.index}" if self.index else "")


class Wait(_Model):
    type: Literal["wait"] = "wait"
    seconds: Seconds


class LaunchApp(_Model):
    type: Literal["launch_app"] = "launch_app"
    package: Package
    activity: str | None = Field(default=None, max_length=255, pattern=ACTIVITY_PATTERN)


class StopApp(_Model):
    type: Literal["stop_app"] = "stop_app"
    package: Package


class Tap(_Model):
    """At coordinates, or at the centre of an element."""

    type: Literal["tap"] = "tap"
    x: Coord | None = None
    y: Coord | None = None
    element: Element | None = None

    @model_validator(mode="after")
    def _target(self) -> Tap:
        coords = self.x is not None and self.y is not None
        if (self.x is None) != (self.y is None):
            raise ValueError("give both x and y")
        if coords == (self.element is not None):
            raise ValueError("give either x and y, or an element")
        return self


class TypeText(_Model):
    """Types `text` into the focused field; ``{email}``, ``{password}``, ``{nickname}`` and
    the preset's own variables are substituted first (``{{`` is a literal brace)."""

    type: Literal["type_text"] = "type_text"
    text: Text = Field(min_length=1, max_length=2000)
    element: Element | None = None  # tapped first, to focus it


class PressKey(_Model):
    type: Literal["key"] = "key"
    key: Key


class Swipe(_Model):
    type: Literal["swipe"] = "swipe"
    x1: Coord
    y1: Coord
    x2: Coord
    y2: Coord
    duration_ms: int = Field(default=300, ge=1, le=10_000)


class Screenshot(_Model):
    type: Literal["screenshot"] = "screenshot"
    label: Text | None = Field(default=None, max_length=100)


class WaitForElement(_Model):
    type: Literal["wait_for_element"] = "wait_for_element"
    element: Element
    timeout_s: Annotated[Number, Field(gt=0, le=600)] = 10.0
    interval_s: Annotated[Number, Field(gt=0, le=60)] = 1.0
    continue_on_timeout: bool = False


class IfElement(_Model):
    """Runs `actions` when the element is on screen now."""

    type: Literal["if_element"] = "if_element"
    element: Element
    actions: list[Action] = Field(default_factory=list, max_length=MAX_ACTIONS)


class IfNotElement(_Model):
    """Runs `actions` when the element is not on screen now."""

    type: Literal["if_not_element"] = "if_not_element"
    element: Element
    actions: list[Action] = Field(default_factory=list, max_length=MAX_ACTIONS)


class Repeat(_Model):
    """Runs `actions` `count` times, or, with `until_element`, until that element is on
    screen; never more than `max_iterations` times."""

    type: Literal["repeat"] = "repeat"
    actions: list[Action] = Field(default_factory=list, max_length=MAX_ACTIONS)
    count: int | None = Field(default=None, ge=1, le=1000)
    until_element: Element | None = None
    max_iterations: int = Field(default=100, ge=1, le=1000)
    delay_s: Seconds = 0.0  # between iterations

    @model_validator(mode="after")
    def _bounded(self) -> Repeat:
        if self.count is None and self.until_element is None:
            raise ValueError("give a count or an until_element")
        return self


class AssertElement(_Model):
    """Fails the execution with `message` unless the element is (or, with present=false,
    is not) on screen."""

    type: Literal["assert_element"] = "assert_element"
    element: Element
    present: bool = True
    message: Text | None = Field(default=None, max_length=500)


Action = Annotated[
    Wait
    | LaunchApp
    | StopApp
    | Tap
    | TypeText
    | PressKey
    | Swipe
    | Screenshot
    | WaitForElement
    | IfElement
    | IfNotElement
    | Repeat
    | AssertElement,
    Field(discriminator="type"),
]
BLOCKS = (IfElement, IfNotElement, Repeat)
for _block in BLOCKS:
    _block.model_rebuild()

ActionList = Annotated[list[Action], Field(max_length=MAX_ACTIONS)]
_ACTIONS: TypeAdapter[list[Action]] = TypeAdapter(list[Action])


def count(actions: list[Any], depth: int = 1) -> int:
    """How many actions there are, nested ones included; ValueError past the limits."""
    if depth > MAX_DEPTH:
        raise ValueError(f"blocks nest at most {MAX_DEPTH} deep")
    total = 0
    for action in actions:
        total += 1
        if isinstance(action, BLOCKS):
            total += count(action.actions, depth + 1)
        if total > MAX_ACTIONS:
            raise ValueError(f"at most {MAX_ACTIONS} actions, nested ones included")
    return total


def parse(raw: list[dict[str, Any]]) -> list[Action]:
    """Actions stored as JSON, as models (they were checked when saved)."""
    return _ACTIONS.validate_python(raw)


def dump(actions: list[Action]) -> list[dict[str, Any]]:
    return _ACTIONS.dump_python(actions, mode="json", exclude_none=True)


def variables_used(actions: list[Any]) -> set[str]:
    """The ``{names}`` the preset's type_text actions use."""
    from pixsim7.automation import variables

    found: set[str] = set()
    for action in actions:
        if isinstance(action, TypeText):
            found |= variables.names(action.text)
        if isinstance(action, BLOCKS):
            found |= variables_used(action.actions)
    return found


def action_schema() -> dict[str, Any]:
    """The JSON schema of one action (the union, its definitions under ``$defs``)."""
    return TypeAdapter(Action).json_schema(ref_template="#/$defs/{model}")
