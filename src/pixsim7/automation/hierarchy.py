"""The screen as `uiautomator dump` writes it, and finding an element in it.

A dump is XML: ``<hierarchy rotation="0">`` holding nested ``<node>`` elements with
``text``, ``resource-id``, ``content-desc``, ``class``, ``package``, flags
(``clickable``, ``enabled``, ``focused``, ``password``…) and ``bounds="[x1,y1][x2,y2]"``.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from pixsim7.automation.actions import Element

MAX_DUMP_BYTES = 8 * 1024 * 1024
_BOUNDS = re.compile(r"^\[(-?\d+),(-?\d+)\]\[(-?\d+),(-?\d+)\]$")


class DumpError(ValueError):
    """The dump is not a UI hierarchy."""


@dataclass(frozen=True)
class Node:
    resource_id: str
    text: str
    content_desc: str
    class_name: str
    package: str
    bounds: tuple[int, int, int, int]
    clickable: bool = False
    enabled: bool = True
    focused: bool = False
    password: bool = False

    @property
    def center(self) -> tuple[int, int]:
        x1, y1, x2, y2 = self.bounds
        return (x1 + x2) // 2, (y1 + y2) // 2

    def describe(self) -> str:
        label = self.resource_id or self.content_desc or self.text or self.class_name
        return f"{label} at {self.center}"


def parse(xml: str | bytes) -> list[Node]:
    """Every node of the dump, in document order (DumpError when it is not a dump)."""
    if isinstance(xml, str):
        xml = xml.encode("utf-8")
    if len(xml) > MAX_DUMP_BYTES:
        raise DumpError("the UI dump is too large")
    start = xml.find(b"<")
    if start < 0:
        raise DumpError("the UI dump is empty")
    end = xml.rfind(b"</hierarchy>")
    # `uiautomator dump /dev/tty` follows the XML with a status line.
    body = xml[start : end + len(b"</hierarchy>")] if end > start else xml[start:]
    try:
        root = ET.fromstring(body)
    except ET.ParseError as exc:
        raise DumpError(f"the UI dump is not XML: {exc}") from exc
    if root.tag != "hierarchy":
        raise DumpError(f"the UI dump's root is <{root.tag}>, not <hierarchy>")
    return [_node(el) for el in root.iter("node")]


def _node(el: ET.Element) -> Node:
    match = _BOUNDS.match(el.get("bounds", ""))
    bounds = (int(match[1]), int(match[2]), int(match[3]), int(match[4])) if match else (0, 0, 0, 0)
    return Node(
        resource_id=el.get("resource-id", ""),
        text=el.get("text", ""),
        content_desc=el.get("content-desc", ""),
        class_name=el.get("class", ""),
        package=el.get("package", ""),
        bounds=bounds,
        clickable=el.get("clickable") == "true",
        enabled=el.get("enabled", "true") == "true",
        focused=el.get("focused") == "true",
        password=el.get("password") == "true",
    )


def _same_id(wanted: str, actual: str) -> bool:
    """``login_button`` matches ``com.pixverse:id/login_button``; a full id matches itself."""
    if not actual:
        return False
    return actual == wanted or (":" not in wanted and actual.endswith(f":id/{wanted}"))


def _same_text(wanted: str, actual: str, contains: bool) -> bool:
    if contains:
        return wanted.casefold() in actual.casefold()
    return wanted.strip() == actual.strip()


def matches(node: Node, element: Element) -> bool:
    if element.resource_id and not _same_id(element.resource_id, node.resource_id):
        return False
    if element.text and not _same_text(element.text, node.text, element.contains):
        return False
    if element.content_desc and not _same_text(
        element.content_desc, node.content_desc, element.contains
    ):
        return False
    # An element with zero area is not on screen (off-screen list items report such bounds).
    x1, y1, x2, y2 = node.bounds
    return x2 > x1 and y2 > y1


def find(nodes: list[Node], element: Element) -> Node | None:
    """The element's `index`-th match, or None."""
    found = [node for node in nodes if matches(node, element)]
    return found[element.index] if element.index < len(found) else None
