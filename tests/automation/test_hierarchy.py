"""Parsing a UI dump and finding elements in it."""

from __future__ import annotations

import pytest

from pixsim7.automation import hierarchy
from pixsim7.automation.actions import Element

DUMP = """<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
<hierarchy rotation="0">
  <node index="0" text="" resource-id="" class="android.widget.FrameLayout"
        package="com.pixverse.app" content-desc="" clickable="false" bounds="[0,0][1080,2400]">
    <node index="0" text="Log in" resource-id="com.pixverse.app:id/login_button"
          class="android.widget.Button" package="com.pixverse.app" content-desc=""
          clickable="true" bounds="[100,1000][980,1120]" />
    <node index="1" text="" resource-id="com.pixverse.app:id/password"
          class="android.widget.EditText" package="com.pixverse.app" content-desc="Password"
          clickable="true" password="true" bounds="[100,800][980,900]" />
    <node index="2" text="Log in with Google" resource-id="" class="android.widget.Button"
          package="com.pixverse.app" content-desc="" bounds="[100,1200][980,1300]" />
    <node index="3" text="Hidden" resource-id="" class="android.widget.TextView"
          package="com.pixverse.app" content-desc="" bounds="[0,0][0,0]" />
  </node>
</hierarchy>"""


def test_nodes_are_read_in_order_with_their_bounds() -> None:
    nodes = hierarchy.parse(DUMP)
    assert [n.class_name.rsplit(".", 1)[1] for n in nodes] == [
        "FrameLayout",
        "Button",
        "EditText",
        "Button",
        "TextView",
    ]
    button = nodes[1]
    assert button.bounds == (100, 1000, 980, 1120) and button.center == (540, 1060)
    assert button.clickable and not button.password and nodes[2].password


def test_a_dump_after_a_status_line_is_read() -> None:
    # `uiautomator dump /dev/tty` prints the XML, then "UI hierchary dumped to: /dev/tty".
    nodes = hierarchy.parse("\r\n" + DUMP + "UI hierchary dumped to: /dev/tty")
    assert len(nodes) == 5


@pytest.mark.parametrize(
    ("element", "found"),
    [
        (Element(resource_id="login_button"), "Log in"),
        (Element(resource_id="com.pixverse.app:id/login_button"), "Log in"),
        (Element(resource_id="other:id/login_button"), None),
        (Element(text="Log in"), "Log in"),
        (Element(text="log in", contains=True, index=1), "Log in with Google"),
        (Element(text="log in"), None),  # exact matches are case-sensitive
        (Element(content_desc="Password"), ""),
        (Element(text="Log in", resource_id="password"), None),  # all given must match
        (Element(text="Hidden"), None),  # zero area: not on screen
        (Element(text="Log in", index=1), None),
    ],
)
def test_elements_are_found(element: Element, found: str | None) -> None:
    node = hierarchy.find(hierarchy.parse(DUMP), element)
    assert (node.text if node else None) == found


@pytest.mark.parametrize(
    "bad", ["", "not xml at all", "<html><body/></html>", "<hierarchy><node></hierarchy>"]
)
def test_what_is_not_a_dump_is_refused(bad: str) -> None:
    with pytest.raises(hierarchy.DumpError):
        hierarchy.parse(bad)
